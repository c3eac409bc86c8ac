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
 * Where a block of the extracted text came from: `[start, end)` in the document's `text`, and the
 * same block's span in the original (the decoded file; for archive formats such as docx/epub the
 * archive entry named by `entry`; for PDFs the text of physical page `page` as pdf.js extracts it;
 * for JSON Lines / BEIR the record's `text` field on line `lineStart`). Slicing the original at
 * `[charStart, charEnd)` (UTF-16 code units of the decoded original) or `[byteStart, byteEnd)`
 * (its bytes as stored: the file's own encoding, a byte-order mark counted; UTF-8 for page text
 * and record fields) and extracting that slice gives exactly the block's text, modulo the
 * whitespace normalisation (runs of spaces and tabs become one space, spaces around a line
 * break and at the ends are dropped). Lines are 1-based (`\n`, `\r\n` and a lone `\r` end a
 * line), for text formats.
 */
export interface SourceSegment {
  readonly start: number;
  readonly end: number;
  readonly entry?: string;
  /** PDF: the 1-based physical page whose text the char and byte offsets point into. */
  readonly page?: number;
  readonly charStart: number;
  readonly charEnd: number;
  readonly byteStart: number;
  readonly byteEnd: number;
  readonly lineStart?: number;
  readonly lineEnd?: number;
  /**
   * Pieces of the block copied character for character from the original (markup, entities and
   * collapsed whitespace fall between them), in `text` order: a chunk that starts or ends inside
   * the block maps to the exact character through them (see `@hybrid-rag/chunking`).
   */
  readonly verbatim?: readonly VerbatimRun[];
}

/**
 * `text[start, start + length)` equals the original at `[charStart, charStart + length)`;
 * `byteStart` and `line` are where that run starts in the original.
 */
export interface VerbatimRun {
  readonly start: number;
  readonly length: number;
  readonly charStart: number;
  readonly byteStart: number;
  readonly line?: number;
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
  /**
   * How the original's bytes encode its characters (`utf-8`, `utf-16le`, `utf-16be`, or a
   * WHATWG single-byte label such as `windows-1252`): what byte offsets inside a verbatim run
   * are computed with. Absent: UTF-8.
   */
  readonly encoding?: string;
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
