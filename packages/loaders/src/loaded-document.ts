import type { Document } from "@hybrid-rag/core";

export type SourceFormat = "txt" | "md" | "html" | "pdf" | "jsonl" | "beir";

/** A heading of the loaded text: its level (1–6), its words and where it starts in `text`. */
export interface HeadingHint {
  readonly level: number;
  readonly text: string;
  readonly start: number;
}

/** One page of a PDF: its 1-based number and its character range `[start, end)` in `text`. */
export interface PageHint {
  readonly number: number;
  readonly start: number;
  readonly end: number;
}

/**
 * A document as a loader produced it: a core `Document` (its id is the source path relative to
 * the loaded folder, or the record id of a JSON Lines / BEIR record) with where it came from and
 * the structure the chunker splits on first.
 */
export interface LoadedDocument extends Document {
  readonly kind: "document";
  /** The file it was read from (absolute path). */
  readonly source: string;
  readonly format: SourceFormat;
  readonly headings: readonly HeadingHint[];
  /** PDF pages; empty for other formats. */
  readonly pages: readonly PageHint[];
}

/** A file (or record) that produced no document, and why. Loaders never skip silently. */
export interface SkippedSource {
  readonly kind: "skipped";
  readonly source: string;
  readonly reason: string;
}

export type LoadResult = LoadedDocument | SkippedSource;
