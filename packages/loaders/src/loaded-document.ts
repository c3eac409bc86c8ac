import type { Document } from "@hybrid-rag/core";

export type SourceFormat =
  | "txt"
  | "md"
  | "html"
  | "pdf"
  | "jsonl"
  | "beir"
  | "docx"
  | "pptx"
  | "odt"
  | "epub"
  | "csv"
  | "json"
  | "rst";

/** A heading of the loaded text: its level (1–6), its words and where it starts in `text`. */
export interface HeadingHint {
  readonly level: number;
  readonly text: string;
  readonly start: number;
}

/** One page of a PDF (or one slide of a presentation): its 1-based number and its character range `[start, end)` in `text`. */
export interface PageHint {
  readonly number: number;
  /** The page's printed label (e.g. "27", "xiv") when the PDF declares page labels. */
  readonly label?: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Where a block of the extracted text came from in the original file: `[start, end)` in the
 * document's `text`, and the same block's span in the file (or, for archive formats such as
 * docx/epub, in the archive entry named by `entry`). Slicing the original at
 * `[charStart, charEnd)` (characters of the decoded file) or `[byteStart, byteEnd)` (its bytes)
 * and extracting that slice gives exactly the block's text. Lines are 1-based, for text formats.
 */
export interface SourceSegment {
  readonly start: number;
  readonly end: number;
  readonly entry?: string;
  readonly charStart: number;
  readonly charEnd: number;
  readonly byteStart: number;
  readonly byteEnd: number;
  readonly lineStart?: number;
  readonly lineEnd?: number;
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
  /** PDF pages, or a presentation's slides; empty for other formats. */
  readonly pages: readonly PageHint[];
  /** Where each block of `text` is in the original file, in `text` order (see `SourceSegment`). */
  readonly segments?: readonly SourceSegment[];
  /** A record's 1-based line in `source` (JSON Lines, BEIR, JSON records, CSV rows). */
  readonly line?: number;
  /**
   * SHA-256 of the file's bytes (formats with one document per file): an incremental ingest
   * records it and passes `unchangedFile` next time, so an unchanged file is not extracted again.
   */
  readonly fileSha256?: string;
  /** What the reader had to guess (e.g. a fallback encoding), for the user to check. */
  readonly warnings?: readonly string[];
}

/** Why a source was skipped, as a closed set (the `reason` says it in words, with the values). */
export type SkipCode =
  /** An extension no loader reads, or a BEIR file other than the corpus. */
  | "unsupported"
  /** Not text (NUL bytes, control characters, mostly invalid UTF-8), or not the format its name says. */
  | "binary"
  /** Bytes that are not valid in the encoding a byte-order mark declares. */
  | "encoding"
  /** Over a budget: `maxFileBytes`, `maxPages`, `maxCharacters`, `maxDepth` or `maxLineBytes`. */
  | "over-budget"
  /** Extraction ran past `fileTimeoutMs` (the extraction thread was stopped). */
  | "timeout"
  /** Extraction needed more memory than its thread may have. */
  | "out-of-memory"
  /** A password-protected PDF. */
  | "encrypted"
  /** Readable, but no text in it (an empty file, a scanned PDF). */
  | "empty"
  /** A parser refused it (a broken PDF) or reading failed (permissions, I/O). */
  | "unreadable"
  /** It vanished or changed type between listing and reading. */
  | "vanished"
  /** A record (JSON Lines line, JSON record, CSV row) that is not a document (invalid JSON, missing id or text, an inexact numeric id). */
  | "invalid-record"
  /** A document id already loaded in this load: the first one is kept. */
  | "duplicate-id"
  /** A symbolic link not followed (outside the root, broken, a loop, or `followSymlinks: false`). */
  | "link"
  /** A socket, device or pipe, or a name that is not valid UTF-8 (it cannot become an id). */
  | "not-a-file"
  /** Not extracted: `unchangedFile` said the caller already holds this file's bytes (`id` set). */
  | "unchanged";

/** A file (or record) that produced no document, and why. Loaders never skip silently. */
export interface SkippedSource {
  readonly kind: "skipped";
  /** The file (or `file:line`), control characters and invalid bytes escaped so it prints safely. */
  readonly source: string;
  readonly reason: string;
  readonly code?: SkipCode;
  /** The document id the file would have had: set for `unchanged`. */
  readonly id?: string;
}

export type LoadResult = LoadedDocument | SkippedSource;
