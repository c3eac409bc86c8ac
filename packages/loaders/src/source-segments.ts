import type { SourceSegment } from "./loaded-document.ts";
import type { BuiltSegment } from "./text-builder.ts";

/** How the original's characters map to its bytes: the encoding it was decoded from and a dropped byte-order mark. */
export interface SourceEncoding {
  /** A TextDecoder encoding name ("utf-8", "utf-16le", "windows-1252", …). */
  readonly encoding: string;
  /** Bytes of a byte-order mark the decoder dropped before character 0. */
  readonly byteOrderMarkBytes: number;
}

export const plainUtf8: SourceEncoding = { encoding: "utf-8", byteOrderMarkBytes: 0 };

/**
 * Completes the spans a builder recorded (characters of the decoded `original`) with byte
 * offsets in the file and, for text formats, 1-based line numbers: one pass over `original`,
 * however many segments.
 */
export function sourceSegments(
  built: readonly BuiltSegment[],
  original: string,
  source: SourceEncoding,
  withLines: boolean,
): SourceSegment[] {
  const positions = [...new Set(built.flatMap((s) => [s.charStart, s.charEnd]))].sort(
    (a, b) => a - b,
  );
  const bytesAt = new Map<number, number>();
  const linesAt = new Map<number, number>();
  const unitBytes = source.encoding.startsWith("utf-16") ? 2 : source.encoding === "utf-8" ? 0 : 1;
  let bytes = source.byteOrderMarkBytes;
  let line = 1;
  let index = 0;
  for (const position of positions) {
    for (; index < position && index < original.length; index++) {
      const code = original.charCodeAt(index);
      if (code === 0x0a) line++;
      bytes +=
        unitBytes === 0
          ? utf8Bytes(code, original.charCodeAt(index - 1), original.charCodeAt(index + 1))
          : unitBytes;
    }
    bytesAt.set(position, bytes);
    linesAt.set(position, line);
  }
  return built.map((segment) => {
    const endLine = linesAt.get(segment.charEnd) ?? line;
    // The last character of the span, not the line after a span that ends with its line break.
    const lastLine =
      segment.charEnd > segment.charStart && original.charCodeAt(segment.charEnd - 1) === 0x0a
        ? endLine - 1
        : endLine;
    return {
      ...segment,
      byteStart: bytesAt.get(segment.charStart) ?? 0,
      byteEnd: bytesAt.get(segment.charEnd) ?? 0,
      ...(withLines ? { lineStart: linesAt.get(segment.charStart) ?? 1, lineEnd: lastLine } : {}),
    };
  });
}

/** UTF-8 bytes of the UTF-16 code unit `code` (a surrogate pair's 4 counted on its first half; a lone surrogate encodes as U+FFFD, 3). */
function utf8Bytes(code: number, previous: number, next: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
  const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
  if (isHigh(code) && isLow(next)) return 4;
  if (isLow(code) && isHigh(previous)) return 0;
  return 3;
}

/** Byte offsets for segments that point into several entries, each entry mapped on its own. */
export function segmentsPerEntry(
  segments: readonly BuiltSegment[],
  entries: ReadonlyMap<string, string>,
  encoding: SourceEncoding,
): SourceSegment[] {
  const byEntry = new Map<string, BuiltSegment[]>();
  for (const segment of segments) {
    const list = byEntry.get(segment.entry ?? "") ?? [];
    list.push(segment);
    byEntry.set(segment.entry ?? "", list);
  }
  const completed = new Map(
    [...byEntry].flatMap(([entry, list]) => {
      const done = sourceSegments(list, entries.get(entry) ?? "", encoding, false);
      return list.map((segment, index) => [segment, done[index]!] as const);
    }),
  );
  return segments.map((segment) => completed.get(segment)!);
}
