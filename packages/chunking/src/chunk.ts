import type { Document, MetadataValue } from "@hybrid-rag/core";

/** Where a chunk comes from; stored as the chunk document's metadata (so filters can use it). */
export interface ChunkMetadata {
  readonly [key: string]: MetadataValue;
  readonly parentId: string;
  readonly source: string;
  readonly chunkIndex: number;
  /** Character range `[start, end)` of the chunk in its parent's extracted text. */
  readonly start: number;
  readonly end: number;
  /**
   * Where the chunk is in the original file (null when the document came without segments, e.g.
   * a plain `Document`): `[sourceCharStart, sourceCharEnd)` in the decoded file's characters,
   * `[sourceByteStart, sourceByteEnd)` in its bytes, lines `sourceLineStart`–`sourceLineEnd`
   * (text formats and JSON Lines; null for PDFs). PDF: offsets into the text of pages
   * `pageStart` and `pageEnd`; JSON Lines / BEIR: into the record's `text` field; `sourceEntry`:
   * the archive entry (docx, epub). Slicing the file there and extracting gives the chunk's text,
   * modulo whitespace normalisation.
   */
  readonly sourceCharStart: number | null;
  readonly sourceCharEnd: number | null;
  readonly sourceByteStart: number | null;
  readonly sourceByteEnd: number | null;
  readonly sourceLineStart: number | null;
  readonly sourceLineEnd: number | null;
  readonly sourceEntry: string | null;
  /** The headings above the chunk, outermost first. */
  readonly headingPath: readonly string[];
  /** First and last PDF page the chunk spans (null for other formats). */
  readonly pageStart: number | null;
  readonly pageEnd: number | null;
  /** The printed labels of those pages ("xiv", "27") when the PDF declares page labels, else null. */
  readonly pageLabelStart: string | null;
  readonly pageLabelEnd: string | null;
  /** Tokens of the chunk text by the configured counter. */
  readonly tokens: number;
}

/** A passage cut from a parent document: `text` is exactly `parent.text.slice(start, end)`. */
export interface Chunk extends Document {
  readonly metadata: ChunkMetadata;
}

/** The id of the `index`-th chunk of a parent: stable as long as the parent's text is. */
export function chunkId(parentId: string, index: number): string {
  return `${parentId}#${index}`;
}
