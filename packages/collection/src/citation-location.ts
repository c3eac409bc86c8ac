import type { ChunkMetadata } from "@hybrid-rag/chunking";

/**
 * Where a passage is in its original file, as every citation gives it: the offsets and lines of
 * the file (null when the passage was ingested without them: a plain `Document`, or a collection
 * ingested before spans were recorded). PDF: offsets into the text of the first and last page;
 * JSON Lines / BEIR: into the record's `text` field on line `lineStart`.
 */
export interface SourceSpanView {
  readonly charStart: number;
  readonly charEnd: number;
  readonly byteStart: number;
  readonly byteEnd: number;
  readonly lineStart: number | null;
  readonly lineEnd: number | null;
  readonly entry: string | null;
}

/** The original-file span recorded in a chunk's metadata, or null. */
export function sourceSpanOfChunk(metadata: Partial<ChunkMetadata>): SourceSpanView | null {
  const { sourceCharStart, sourceCharEnd, sourceByteStart, sourceByteEnd } = metadata;
  if (
    typeof sourceCharStart !== "number" ||
    typeof sourceCharEnd !== "number" ||
    typeof sourceByteStart !== "number" ||
    typeof sourceByteEnd !== "number"
  ) {
    return null;
  }
  return {
    charStart: sourceCharStart,
    charEnd: sourceCharEnd,
    byteStart: sourceByteStart,
    byteEnd: sourceByteEnd,
    lineStart: typeof metadata.sourceLineStart === "number" ? metadata.sourceLineStart : null,
    lineEnd: typeof metadata.sourceLineEnd === "number" ? metadata.sourceLineEnd : null,
    entry: typeof metadata.sourceEntry === "string" ? metadata.sourceEntry : null,
  };
}

/** What a location is written from (a cited passage, a context citation). */
export interface LocatedPassage {
  readonly source: string;
  readonly pageStart: number | null;
  readonly pageEnd: number | null;
  readonly pageLabelStart: string | null;
  readonly pageLabelEnd: string | null;
  readonly sourceSpan: SourceSpanView | null;
}

/**
 * `guide.md:120-134` for text formats (the file's lines, as editors and terminals link them),
 * `report.pdf, p. 32 (printed 27)` / `pp. 3–4 (printed iii–1)` for PDFs (physical pages, and
 * the printed labels where the PDF declares different ones), else the source alone.
 */
export function citationLocation(passage: LocatedPassage): string {
  const { source, pageStart, pageEnd, pageLabelStart, pageLabelEnd, sourceSpan } = passage;
  if (pageStart !== null) {
    const last = pageEnd ?? pageStart;
    const printed = (number: number, label: string | null) =>
      label !== null && label !== String(number);
    if (pageStart === last) {
      return `${source}, p. ${pageStart}${printed(pageStart, pageLabelStart) ? ` (printed ${pageLabelStart})` : ""}`;
    }
    const labels =
      printed(pageStart, pageLabelStart) || printed(last, pageLabelEnd)
        ? ` (printed ${pageLabelStart ?? "?"}–${pageLabelEnd ?? "?"})`
        : "";
    return `${source}, pp. ${pageStart}–${last}${labels}`;
  }
  const entry = sourceSpan?.entry ? `!${sourceSpan.entry}` : "";
  if (sourceSpan?.lineStart != null) {
    const { lineStart, lineEnd } = sourceSpan;
    return `${source}${entry}:${lineStart}${lineEnd !== null && lineEnd !== lineStart ? `-${lineEnd}` : ""}`;
  }
  return `${source}${entry}`;
}
