import { describe, expect, it } from "vitest";
import { sourceSegments } from "./source-segments.ts";

const span = (text: string, piece: string) => {
  const charStart = text.indexOf(piece);
  return { start: 0, end: piece.length, charStart, charEnd: charStart + piece.length };
};

describe("sourceSegments", () => {
  it("gives UTF-8 byte offsets past multi-byte and astral characters, and 1-based lines", () => {
    const text = "é 😀 first\nsecond ∑\nthird 𝄞 line";
    const bytes = Buffer.from(text, "utf8");
    const pieces = ["first\nsecond", "∑", "third 𝄞 line"];
    const segments = sourceSegments(
      pieces.map((piece) => span(text, piece)),
      text,
      { encoding: "utf-8", byteOrderMarkBytes: 0 },
      true,
    );
    for (const [index, segment] of segments.entries()) {
      expect(bytes.subarray(segment.byteStart, segment.byteEnd).toString("utf8")).toBe(
        pieces[index],
      );
    }
    expect(segments.map((s) => [s.lineStart, s.lineEnd])).toEqual([
      [1, 2],
      [2, 2],
      [3, 3],
    ]);
  });

  it("counts a dropped byte-order mark, and two bytes a unit in UTF-16", () => {
    const text = "name,note\nA1,café";
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const [segment] = sourceSegments(
      [span(text, "A1,café")],
      text,
      {
        encoding: "utf-16le",
        byteOrderMarkBytes: 2,
      },
      true,
    );
    expect(bytes.subarray(segment!.byteStart, segment!.byteEnd).toString("utf16le")).toBe(
      "A1,café",
    );
    const latin = Buffer.from(text, "latin1");
    const [single] = sourceSegments(
      [span(text, "café")],
      text,
      {
        encoding: "windows-1252",
        byteOrderMarkBytes: 0,
      },
      false,
    );
    expect(latin.subarray(single!.byteStart, single!.byteEnd).toString("latin1")).toBe("café");
    expect(single!.lineStart).toBeUndefined();
  });

  it("does not count a span's closing line break as a line of it", () => {
    const text = "row one\nrow two\n";
    const [segment] = sourceSegments(
      [{ start: 0, end: 8, charStart: 0, charEnd: 8 }],
      text,
      { encoding: "utf-8", byteOrderMarkBytes: 0 },
      true,
    );
    expect([segment!.lineStart, segment!.lineEnd]).toEqual([1, 1]);
  });
});
