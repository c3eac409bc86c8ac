import type { Document, MetadataValue } from "@hybrid-rag/core";

/** Where a chunk comes from; stored as the chunk document's metadata (so filters can use it). */
export interface ChunkMetadata {
  readonly [key: string]: MetadataValue;
  readonly parentId: string;
  readonly source: string;
  readonly chunkIndex: number;
  /** Character range `[start, end)` of the chunk in its parent's text. */
  readonly start: number;
  readonly end: number;
  /** The headings above the chunk, outermost first. */
  readonly headingPath: readonly string[];
  /** First and last PDF page the chunk spans (null for other formats). */
  readonly pageStart: number | null;
  readonly pageEnd: number | null;
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
