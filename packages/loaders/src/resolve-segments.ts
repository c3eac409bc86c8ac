import type { SourceSegment, VerbatimRun } from "./loaded-document.ts";
import { SourceLocator } from "./source-locator.ts";
import type { BuiltSegment } from "./text-builder.ts";

/**
 * Completes the character spans a `TextBuilder` recorded with byte offsets and line numbers,
 * from the original each segment points into (`locate` picks it: the file, an archive entry, a
 * PDF page's text). The one place where character offsets become byte offsets and lines, for
 * every format. A verbatim run of a multi-byte legacy encoding (Shift_JIS, GBK, …) that is not
 * one byte per character is dropped: the chunker measures inside a run by the encoding's width
 * rule, which such encodings do not have (the block's own span still holds).
 */
export function resolveSegments(
  segments: readonly BuiltSegment[],
  locate: SourceLocator | ((segment: BuiltSegment) => SourceLocator),
): SourceSegment[] {
  return segments.map((segment) => {
    const locator = locate instanceof SourceLocator ? locate : locate(segment);
    const { start, end, charStart, charEnd, entry, page } = segment;
    const lines = locator.hasLines
      ? {
          lineStart: locator.line(charStart),
          lineEnd: locator.line(Math.max(charStart, charEnd - 1)),
        }
      : {};
    let verbatim: VerbatimRun[] | undefined;
    if (segment.verbatim) {
      verbatim = [];
      for (const run of segment.verbatim) {
        const byteStart = locator.byteOffset(run.charStart);
        if (
          locator.widthRule === undefined &&
          locator.byteOffset(run.charStart + run.length) - byteStart !== run.length
        ) {
          continue;
        }
        verbatim.push({
          start: run.start,
          length: run.length,
          charStart: run.charStart,
          byteStart,
          ...(locator.hasLines ? { line: locator.line(run.charStart) } : {}),
        });
      }
    }
    return {
      start,
      end,
      ...(entry !== undefined ? { entry } : {}),
      ...(page !== undefined ? { page } : {}),
      charStart,
      charEnd,
      byteStart: locator.byteOffset(charStart),
      byteEnd: locator.byteOffset(charEnd),
      ...lines,
      ...(verbatim ? { verbatim } : {}),
    };
  });
}
