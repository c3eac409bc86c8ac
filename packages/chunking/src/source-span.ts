import {
  encodedLength,
  type SourceSegment,
  type VerbatimRun,
  type WidthRule,
  widthRuleOf,
} from "@hybrid-rag/loaders";

/**
 * Where a chunk is in the original file: `[charStart, charEnd)` in its decoded characters and
 * `[byteStart, byteEnd)` in its bytes, lines `lineStart`–`lineEnd` (1-based, text formats only).
 * For a PDF the offsets point into the page text of the chunk's first and last page; for JSON
 * Lines / BEIR into the record's `text` field; `entry` names an archive entry (docx, pptx, odt,
 * epub) whose XML the offsets point into. A chunk that runs from one entry into the next (a
 * slide into its notes, one chapter into the next) points at its part in the first entry.
 */
export interface SourceSpan {
  readonly charStart: number;
  readonly charEnd: number;
  readonly byteStart: number;
  readonly byteEnd: number;
  readonly lineStart: number | null;
  readonly lineEnd: number | null;
  readonly entry: string | null;
}

interface Point {
  readonly char: number;
  readonly byte: number;
  readonly line: number | null;
}

/**
 * The original-file span of `text[start, end)` from the loader's segments: as tight as the text
 * allows. A boundary at a block's start or end takes the block's own span (so leading markup
 * such as `# ` or a list marker, and closing markup, are inside it and extracting the slice gives
 * the block's text); a boundary inside a block maps through the block's verbatim runs to the
 * exact character; a boundary inside text that is not verbatim (a decoded entity) widens to the
 * nearest verbatim character around it. Undefined when the document has no segments there.
 */
export function sourceSpanOf(
  segments: readonly SourceSegment[] | undefined,
  encoding: string | undefined,
  text: string,
  start: number,
  end: number,
): SourceSpan | undefined {
  if (!segments || segments.length === 0 || end <= start) return undefined;
  // Multi-byte legacy encodings: the loaders keep only runs of one byte per character.
  const rule = widthRuleOf(encoding) ?? "one-byte";
  const first = segmentAt(segments, start, "start");
  let last = segmentAt(segments, end - 1, "end");
  if (first === undefined || last === undefined) return undefined;
  // Offsets count in one entry: a chunk running on into the next entry (a slide's notes, the
  // next chapter) points at its part in the entry it starts in.
  while (last > first && segments[last]!.entry !== segments[first]!.entry) last--;
  const from = startPoint(segments[first]!, Math.max(start, segments[first]!.start), text, rule);
  const to = endPoint(segments[last]!, Math.min(end, segments[last]!.end), text, rule);
  return {
    charStart: from.char,
    charEnd: to.char,
    byteStart: from.byte,
    byteEnd: to.byte,
    lineStart: from.line,
    lineEnd: to.line,
    entry: segments[first]!.entry ?? null,
  };
}

/** The segment holding `offset`; in a gap between blocks, the next one (`start`) or the previous one (`end`). */
function segmentAt(
  segments: readonly SourceSegment[],
  offset: number,
  side: "start" | "end",
): number | undefined {
  let low = 0;
  let high = segments.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (segments[middle]!.start <= offset) low = middle + 1;
    else high = middle;
  }
  const before = low - 1;
  if (before >= 0 && offset < segments[before]!.end) return before;
  if (side === "start") return low < segments.length ? low : undefined;
  return before >= 0 ? before : undefined;
}

function startPoint(segment: SourceSegment, offset: number, text: string, rule: WidthRule): Point {
  if (offset <= segment.start) return blockStart(segment);
  const runs = segment.verbatim ?? [];
  let previous: VerbatimRun | undefined;
  for (const run of runs) {
    if (run.start > offset) break;
    if (offset < run.start + run.length) return inside(run, offset, text, rule, segment, "start");
    previous = run;
  }
  // Inside text that is not verbatim: from the end of the verbatim run before it.
  return previous
    ? inside(previous, previous.start + previous.length, text, rule, segment, "start")
    : blockStart(segment);
}

function endPoint(segment: SourceSegment, offset: number, text: string, rule: WidthRule): Point {
  if (offset >= segment.end) return blockEnd(segment);
  for (const run of segment.verbatim ?? []) {
    if (run.start + run.length < offset) continue;
    if (run.start < offset) return inside(run, offset, text, rule, segment, "end");
    // Ends in text that is not verbatim: up to the start of the next verbatim run.
    return inside(run, run.start, text, rule, segment, "end");
  }
  return blockEnd(segment);
}

function blockStart(segment: SourceSegment): Point {
  return { char: segment.charStart, byte: segment.byteStart, line: segment.lineStart ?? null };
}

function blockEnd(segment: SourceSegment): Point {
  return { char: segment.charEnd, byte: segment.byteEnd, line: segment.lineEnd ?? null };
}

/** A point `offset` of a verbatim run: its characters are the original's, so widths and line breaks are counted in `text`. */
function inside(
  run: VerbatimRun,
  offset: number,
  text: string,
  rule: WidthRule,
  segment: SourceSegment,
  side: "start" | "end",
): Point {
  const line =
    run.line === undefined
      ? ((side === "start" ? segment.lineStart : segment.lineEnd) ?? null)
      : run.line +
        lineBreaks(text, run.start, side === "end" ? Math.max(run.start, offset - 1) : offset);
  return {
    char: run.charStart + (offset - run.start),
    byte: run.byteStart + encodedLength(text, run.start, offset, rule),
    line,
  };
}

function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || (code === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) count++;
  }
  return count;
}
