import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync, deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFolder } from "./load-folder.ts";
import type { LoadedDocument, LoadResult, SkippedSource } from "./loaded-document.ts";
import { encryptedPdf, flateStreamPdf, manyPagePdf } from "./raw-pdf.test.helper.ts";
import { deflatedZeros, rawZip } from "./raw-zip.test.helper.ts";
import { createTestDocx } from "./testing/create-test-docx.ts";
import { createTestPdf } from "./testing/create-test-pdf.ts";
import { writeZip } from "./testing/write-zip.ts";

// The files users have fed `hybrid-rag ingest` that took the run down or indexed garbage
// (issue 23), generated here (nothing large is committed), loaded with the default budgets.

let folder: string;
const resultsByName = new Map<string, LoadResult>();
/** The longest time between two results of the walk (each file's load, at most). */
let slowestMs = 0;

const nested = (depth: number, open: string, close: string) =>
  `${open.repeat(depth)}deep text${close.repeat(depth)}`;

/** Writes `count` copies of `piece` then `tail`, without holding the whole file in memory. */
async function writeRepeated(path: string, piece: string, count: number, tail: string) {
  const out = createWriteStream(path);
  const block = piece.repeat(Math.max(1, Math.floor((1 << 20) / piece.length)));
  let written = 0;
  while (written < count) {
    const take = Math.min(count - written, block.length / piece.length);
    const chunk = take === block.length / piece.length ? block : piece.repeat(take);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    written += take;
  }
  await new Promise<void>((resolve, reject) => out.end(tail, () => resolve()).on("error", reject));
}

/** Deterministic pseudo-random bytes (mulberry32), like a random-bytes file but reproducible. */
function randomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    bytes[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return bytes;
}

function utf16(text: string, endian: "le" | "be"): Buffer {
  const le = Buffer.from(text, "utf16le");
  if (endian === "le") return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
  const be = Buffer.from(le);
  be.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "hostile-files-"));
  const file = (name: string) => join(folder, name);
  // Ordinary files, which must still load.
  await writeFile(file("normal-notes.txt"), "An ordinary note.\n\nWith two paragraphs.");
  await writeFile(file("normal-guide.md"), "# Guide\n\n> a quote\n\n- one\n  - two\n");
  await writeFile(
    file("normal-page.html"),
    "<!doctype html><html><head><title>Page</title></head><body><p>An ordinary page.</p></body></html>",
  );
  await writeFile(
    file("normal-report.pdf"),
    await createTestPdf({ title: "Report", pages: ["First page.", "Second page."] }),
  );
  await writeFile(file("normal-records.jsonl"), '{"_id":"r1","text":"a record"}\n');
  // Empty and deep.
  await writeFile(file("empty.html"), "");
  await writeFile(file("empty.txt"), "");
  await writeFile(file("nested-divs-11kb.html"), nested(1_000, "<div>", "</div>"));
  await writeFile(file("nested-divs-1mb.html"), nested(100_000, "<div>", "</div>"));
  await writeFile(file("quotes-50k.md"), `${"> ".repeat(50_000)}quoted\n`);
  await writeFile(
    file("list-1200.md"),
    Array.from({ length: 1_200 }, (_, level) => `${"  ".repeat(level)}- item ${level}`).join("\n"),
  );
  // PDFs that are not what they seem.
  await writeFile(file("pages-40k.pdf"), manyPagePdf(40_000));
  const zipEntry = deflateRawSync(Buffer.alloc(50 * 1024 * 1024));
  await writeFile(
    file("zip-bomb.pdf"),
    Buffer.concat([Buffer.from("PK\x03\x04\x14\x00\x00\x00\x08\x00", "latin1"), zipEntry]),
  );
  await writeFile(
    file("flate-bomb.pdf"),
    flateStreamPdf(deflateSync(Buffer.alloc(100 * 1024 * 1024, 0x20))),
  );
  await writeFile(file("encrypted.pdf"), encryptedPdf());
  // Huge single lines.
  await writeRepeated(file("huge-line.txt"), "word ", 4_200_000, "end\n");
  await writeRepeated(
    file("huge-line.jsonl"),
    "x",
    40 * 1024 * 1024,
    '"}\n{"_id":"after","text":"the record after the long line"}\n',
  );
  // Binary under text names, and encodings.
  await writeFile(file("random-bytes.md"), randomBytes(256 * 1024, 7));
  const elf = Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]),
    randomBytes(64 * 1024, 11),
  ]);
  await writeFile(file("program.txt"), elf);
  await writeFile(file("utf16le-bom.txt"), utf16("café naïve — ünïcödé", "le"));
  await writeFile(file("utf16be-bom.md"), utf16("# Titre\n\ncafé crème", "be"));
  await writeFile(
    file("utf8-bom.txt"),
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("café au lait")]),
  );
  await writeFile(file("latin1.txt"), Buffer.from("café crème brûlée", "latin1"));
  await writeFile(
    file("greek-declared.html"),
    Buffer.concat([
      Buffer.from('<html><head><meta charset="iso-8859-7"><title>t</title></head><body><p>'),
      Buffer.from([0xe1, 0xe2, 0xe3, 0x20, 0xe4, 0xe5]), // αβγ δε in ISO-8859-7
      Buffer.from("</p></body></html>"),
    ]),
  );
  // Names: control characters load (printed escaped when skipped); invalid UTF-8 cannot be an id.
  await writeFile(file("tab\there.txt"), "a file with a tab in its name");
  await writeFile(
    Buffer.concat([Buffer.from(`${folder}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from(".txt")]),
    "invalid name",
  );
  // Zip-based formats: bombs, too many entries, broken and impostor archives.
  await writeFile(file("normal-letter.docx"), await createTestDocx({ paragraphs: ["Dear crew."] }));
  const bomb = deflatedZeros(1024);
  await writeFile(
    file("zip-bomb-declared.docx"),
    rawZip([{ name: "word/document.xml", data: bomb, deflated: true, declaredSize: 1024 ** 3 }]),
  );
  await writeFile(
    file("zip-bomb-lying.docx"),
    rawZip([{ name: "word/document.xml", data: bomb, deflated: true, declaredSize: 2_000 }]),
  );
  await writeFile(
    file("entries-20k.epub"),
    // Written by hand: yazl holds a deflate stream per entry (4 GB for these).
    rawZip(
      Array.from({ length: 20_000 }, (_, i) => ({
        name: `e${i}`,
        data: Buffer.alloc(0),
        deflated: false,
        declaredSize: 0,
      })),
    ),
  );
  const letter = await createTestDocx({ paragraphs: ["A letter cut short."] });
  await writeFile(file("truncated.docx"), letter.subarray(0, letter.length - 200));
  await writeFile(file("random-bytes.pptx"), randomBytes(64 * 1024, 13));
  await writeFile(file("text-named.odt"), "just text, not an archive");
  await writeFile(file("no-container.epub"), await writeZip({ mimetype: "application/epub+zip" }));
  // Records: nesting and broken JSON, a CSV with nothing but a header.
  await writeFile(file("nested-100k.json"), `${"[".repeat(100_000)}${"]".repeat(100_000)}`);
  await writeFile(file("broken.json"), '[{"text": "unterminated}]');
  await writeFile(file("header-only.csv"), "a,b,c\n");
  await mkdir(file("sub"));
  await writeFile(file("sub/inner.txt"), "inner");

  let last = performance.now();
  for await (const result of loadFolder(folder)) {
    const now = performance.now();
    slowestMs = Math.max(slowestMs, now - last);
    last = now;
    const name = (result.kind === "document" ? result.id : result.source).replace(`${folder}/`, "");
    resultsByName.set(name, result);
  }
}, 120_000);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function skippedAs(name: string): SkippedSource {
  const result = resultsByName.get(name);
  expect(result, `${name} should have a result`).toBeDefined();
  expect(result?.kind, `${name}: ${JSON.stringify(result).slice(0, 200)}`).toBe("skipped");
  return result as SkippedSource;
}

function loaded(name: string): LoadedDocument {
  const result = resultsByName.get(name);
  expect(result?.kind, `${name}: ${JSON.stringify(result).slice(0, 300)}`).toBe("document");
  return result as LoadedDocument;
}

describe("a folder of hostile files, default budgets", () => {
  it("loads the ordinary files", () => {
    expect(loaded("normal-notes.txt").text).toBe("An ordinary note.\n\nWith two paragraphs.");
    expect(loaded("normal-guide.md").title).toBe("Guide");
    expect(loaded("normal-page.html").text).toBe("An ordinary page.");
    expect(loaded("normal-report.pdf").pages).toHaveLength(2);
    expect(loaded("r1").text).toBe("a record");
    expect(loaded("sub/inner.txt").text).toBe("inner");
    expect(loaded("after").text).toBe("the record after the long line");
  });

  it("skips empty files and deep nesting with the budget as the reason", () => {
    expect(skippedAs("empty.html")).toMatchObject({
      code: "empty",
      reason: "an empty file (0 bytes)",
    });
    expect(skippedAs("empty.txt").code).toBe("empty");
    expect(skippedAs("nested-divs-11kb.html")).toMatchObject({
      code: "over-budget",
      reason: "nested 1000 levels deep, over the 256-level budget (raise maxDepth)",
    });
    expect(skippedAs("nested-divs-1mb.html").reason).toMatch(/^nested 100000 levels deep/);
    expect(skippedAs("quotes-50k.md").reason).toMatch(/^nested 50000 levels deep/);
    expect(skippedAs("list-1200.md").reason).toMatch(/^nested 1200 levels deep/);
  });

  it("skips the PDFs that are too long, not PDFs, or locked", () => {
    expect(skippedAs("pages-40k.pdf")).toMatchObject({
      code: "over-budget",
      reason: "40000 pages, over the 5000-page budget (raise maxPages)",
    });
    expect(skippedAs("zip-bomb.pdf")).toMatchObject({
      code: "binary",
      reason: "a ZIP archive named .pdf (no %PDF- header in its first 1,024 bytes)",
    });
    // 100 MB of spaces inflate to no text at all.
    expect(skippedAs("flate-bomb.pdf")).toMatchObject({ code: "empty" });
    expect(skippedAs("encrypted.pdf")).toMatchObject({
      code: "encrypted",
      reason: "an encrypted PDF (it needs a password to be read)",
    });
  });

  it("skips zip bombs, archives of too many entries and broken archives, within their budgets", () => {
    expect(loaded("normal-letter.docx").text).toBe("Dear crew.");
    expect(skippedAs("zip-bomb-declared.docx")).toMatchObject({
      code: "over-budget",
      reason:
        "its entries inflate to more than 268435456 bytes (at least 1073741824), over the unzipped-size budget (raise maxUnzippedBytes)",
    });
    expect(skippedAs("zip-bomb-lying.docx")).toMatchObject({
      code: "over-budget",
      reason:
        "its entry word/document.xml inflates past the 2000 bytes its header declares (a zip bomb?): stopped there",
    });
    expect(skippedAs("entries-20k.epub")).toMatchObject({
      code: "over-budget",
      reason:
        "a zip archive of 20000 entries, over the 10000-entry budget (raise maxArchiveEntries)",
    });
    expect(skippedAs("truncated.docx").code).toBe("unreadable");
    expect(skippedAs("truncated.docx").reason).toMatch(
      /^not a readable zip archive, as a Word document \(\.docx\) must be \(.+\)$/,
    );
    expect(skippedAs("random-bytes.pptx")).toMatchObject({ code: "unreadable" });
    expect(skippedAs("text-named.odt").reason).toMatch(/^not a readable zip archive/);
    expect(skippedAs("no-container.epub")).toMatchObject({
      code: "unreadable",
      reason: "it has no META-INF/container.xml entry, so it is not an EPUB book (.epub)",
    });
  });

  it("skips JSON nested past the depth budget, broken JSON and a CSV without rows", () => {
    expect(skippedAs("nested-100k.json")).toMatchObject({
      code: "over-budget",
      reason: "nested 100000 levels deep, over the 256-level budget (raise maxDepth)",
    });
    expect(skippedAs("broken.json")).toMatchObject({ code: "unreadable" });
    expect(skippedAs("broken.json").reason).toMatch(/^not valid JSON: \w+ at character \d+/);
    expect(skippedAs("header-only.csv")).toMatchObject({
      code: "empty",
      reason: "no records in it",
    });
  });

  it("skips a line over a budget and goes on after it", () => {
    expect(skippedAs("huge-line.txt")).toMatchObject({
      code: "over-budget",
      reason:
        "21000003 characters of text, over the 20000000-character budget (raise maxCharacters)",
    });
    expect(skippedAs("huge-line.jsonl:1")).toMatchObject({
      code: "over-budget",
      reason: `a line of ${40 * 1024 * 1024 + 2} bytes, over the 33554432-byte budget for one record (raise maxLineBytes, or split the record)`,
    });
  });

  it("skips binary content under text names", () => {
    expect(skippedAs("random-bytes.md")).toMatchObject({ code: "binary" });
    expect(skippedAs("random-bytes.md").reason).toMatch(/^binary content/);
    expect(skippedAs("program.txt")).toMatchObject({
      code: "binary",
      reason:
        "binary content (a NUL byte at offset 7); if it is UTF-16 text, save it with a byte-order mark",
    });
  });

  it("decodes UTF-16 with a byte-order mark (little and big endian)", () => {
    expect(loaded("utf16le-bom.txt").text).toBe("café naïve — ünïcödé");
    const markdown = loaded("utf16be-bom.md");
    expect(markdown.text).toBe("Titre\n\ncafé crème");
    expect(markdown.title).toBe("Titre");
  });

  it("drops a UTF-8 byte-order mark", () => {
    expect(loaded("utf8-bom.txt").text).toBe("café au lait");
  });

  it("decodes Latin-1 as Windows-1252 and says so", () => {
    const latin1 = loaded("latin1.txt");
    expect(latin1.text).toBe("café crème brûlée");
    expect(latin1.warnings).toEqual([
      "not valid UTF-8 (4 invalid sequences, the first at character 3): decoded as Windows-1252 (Latin-1); re-save it as UTF-8 if that is wrong",
    ]);
  });

  it("honours the charset an HTML page declares", () => {
    const greek = loaded("greek-declared.html");
    expect(greek.text).toBe("αβγ δε");
    expect(greek.warnings).toBeUndefined();
  });

  it("loads a name with a control character under its escaped name, skips an invalid UTF-8 one", () => {
    // Ids may not hold control characters: the id is the escaped name, as reports print it.
    expect(loaded("tab\\there.txt").text).toBe("a file with a tab in its name");
    expect(skippedAs("bad-\\xff\\xfe.txt")).toMatchObject({ code: "not-a-file" });
  });

  it("takes bounded time per file and bounded memory", () => {
    // Generous bounds (CI runs on 2 shared cores): every case here is caught by a budget other
    // than the 60 s timeout, so each file within 10 s; the process's peak RSS (this test's
    // generated files included) under 1 GB.
    expect(slowestMs).toBeLessThan(10_000);
    expect(process.resourceUsage().maxRSS * 1024).toBeLessThan(1024 ** 3);
  });
});
