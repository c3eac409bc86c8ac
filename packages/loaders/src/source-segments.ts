import type { SourceSegment } from "./loaded-document.ts";
import { resolveSegments } from "./resolve-segments.ts";
import { SourceLocator } from "./source-locator.ts";
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
 * offsets in the file and, for text formats, 1-based line numbers, through the one
 * `SourceLocator` every loader uses.
 */
export function sourceSegments(
  built: readonly BuiltSegment[],
  original: string,
  source: SourceEncoding,
  withLines: boolean,
): SourceSegment[] {
  // The locator counts a UTF-8 byte-order mark from the file's first bytes (UTF-16 always has one).
  const utf8Mark =
    source.encoding === "utf-8" && source.byteOrderMarkBytes === 3
      ? { bytes: new Uint8Array([0xef, 0xbb, 0xbf]) }
      : {};
  return resolveSegments(
    built,
    new SourceLocator(original, { encoding: source.encoding, lines: withLines, ...utf8Mark }),
  );
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
