import { describe, expect, it } from "vitest";
import { decodeText } from "./decode-text.ts";
import { SourceLocator } from "./source-locator.ts";
import { TextBuilder } from "./text-builder.ts";
import { normalizeTracked } from "./tracked-whitespace.ts";

/** Byte offset of every character boundary, by re-encoding each prefix (slow, obviously right). */
function checkEveryOffset(bytes: Uint8Array, encoding: string, declared?: string) {
  const decoded = decodeText(bytes, declared);
  if (decoded.kind !== "text") throw new Error(decoded.reason);
  expect(decoded.encoding).toBe(encoding);
  const locator = new SourceLocator(decoded.text, { encoding: decoded.encoding, bytes });
  const decoder = (from: number, to: number) =>
    new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(from, to));
  for (let start = 0; start <= decoded.text.length; start++) {
    const code = decoded.text.charCodeAt(start - 1);
    if (code >= 0xd800 && code <= 0xdbff) continue; // inside a surrogate pair
    for (const end of [start, Math.min(decoded.text.length, start + 3), decoded.text.length]) {
      const last = decoded.text.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) continue;
      expect(decoder(locator.byteOffset(start), locator.byteOffset(end))).toBe(
        decoded.text.slice(start, end),
      );
    }
  }
}

describe("SourceLocator: character offsets to bytes and lines", () => {
  const sample = "café — naïve 𝄞 clef\r\nline two\rline three\nend";

  it("UTF-8, with and without a byte-order mark (1- to 4-byte characters)", () => {
    checkEveryOffset(new TextEncoder().encode(sample), "utf-8");
    const marked = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)]);
    checkEveryOffset(marked, "utf-8");
    // Past the 4,096-character checkpoints.
    checkEveryOffset(new TextEncoder().encode(`${"é".repeat(5000)}x${"𝄞".repeat(3000)}`), "utf-8");
  });

  it("UTF-16 LE and BE (the mark counted), Windows-1252, and a declared Shift_JIS", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, "utf16le")]);
    checkEveryOffset(le, "utf-16le");
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1]!, be[i]!];
    checkEveryOffset(be, "utf-16be");
    checkEveryOffset(Buffer.from("Caf\xe9 cr\xe8me \x93quoted\x94\n", "latin1"), "windows-1252");
    // 日本語 in Shift_JIS: two bytes a character, ASCII one.
    const sjis = Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea, 0x20, 0x61, 0x62, 0x0a]);
    checkEveryOffset(sjis, "shift_jis", "shift_jis");
  });

  it("numbers lines after \\n, \\r\\n and a lone \\r", () => {
    const locator = new SourceLocator(sample);
    const lineOf = (needle: string) => locator.line(sample.indexOf(needle));
    expect([lineOf("café"), lineOf("line two"), lineOf("line three"), lineOf("end")]).toEqual([
      1, 2, 3, 4,
    ]);
    // The line break itself belongs to the line it ends.
    expect(locator.line(sample.indexOf("\r\n"))).toBe(1);
    expect(locator.line(sample.indexOf("\r\n") + 1)).toBe(1);
  });
});

describe("whitespace normalisation keeps track of every character", () => {
  const reference = (raw: string) =>
    raw
      .replace(/[ \t\r\f\v]+/g, " ")
      .replace(/ ?\n ?/g, "\n")
      .trim();

  it("equals the loaders' regular-expression normalisation on random text", () => {
    const alphabet = ["a", "b", " ", "  ", "\t", "\n", "\r", "\r\n", "\f", "\u00a0", "é", "𝄞"];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 2000; trial++) {
      const raw = Array.from(
        { length: Math.floor(random() * 20) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join("");
      const tracked = normalizeTracked(raw);
      expect(tracked.text, JSON.stringify(raw)).toBe(reference(raw));
      for (let i = 0; i < tracked.text.length; i++) {
        const from = raw[tracked.from[i]!]!;
        // Each kept character is its source, or a space standing for a run of blanks.
        expect(from === tracked.text[i] || (tracked.text[i] === " " && /\s/.test(from))).toBe(true);
      }
    }
  });

  it("records runs that are the original's characters, and block spans", () => {
    const original = "  Knead  the dough\tfor ten\r\n   minutes.  ";
    const builder = new TextBuilder();
    builder.paragraph([{ text: original, charStart: 0 }]);
    const { text, segments } = builder.build();
    expect(text).toBe("Knead the dough for ten\nminutes.");
    const [segment] = segments;
    expect(segment).toMatchObject({ start: 0, end: text.length, charStart: 2, charEnd: 39 });
    for (const run of segment!.verbatim!) {
      expect(original.slice(run.charStart, run.charStart + run.length)).toBe(
        text.slice(run.start, run.start + run.length),
      );
    }
    expect(segment!.verbatim!.map((run) => text.slice(run.start, run.start + run.length))).toEqual([
      "Knead ",
      "the dough",
      "for ten",
      "\n", // "\r\n": the kept line break is the file's "\n", the "\r" before it is dropped
      "minutes.",
    ]);
  });
});
