import type { Chunk } from "@hybrid-rag/chunking";

/** Events of `collection.events`, named `<noun>-<action>`. */
export interface CollectionEvents {
  /** A file or record that gave no document (unsupported, unreadable, invalid). */
  "source-skipped": (event: { source: string; reason: string }) => void;
  /** Same content hash as the stored version: not re-chunked, not re-embedded. */
  "document-unchanged": (event: { parentId: string }) => void;
  /** The same id came twice in one ingest: the later one is not indexed. */
  "document-duplicate": (event: { parentId: string; source: string }) => void;
  /** Chunked and queued for indexing (`replaced`: an older version's chunks were removed). */
  "document-chunked": (event: { parentId: string; chunks: number; replaced: boolean }) => void;
  /** A document whose chunks could not all be indexed (none of them stay). */
  "document-failed": (event: { parentId: string; error: Error }) => void;
  "document-deleted": (event: { parentId: string; chunks: number }) => void;
  /** A chunk longer than the chunker's `modelMaxTokens`: the model will cut it. */
  "chunk-oversized": (event: { chunk: Chunk; tokens: number; limit: number }) => void;
  /** A batch of chunks written to both sides; `embedded` chunks went to the dense side. */
  "batch-indexed": (event: { chunks: number; embedded: number; parents: number }) => void;
  /** After every document and batch, for progress bars. */
  "ingest-progress": (event: IngestProgress) => void;
  "collection-saved": (event: { directory: string; version: number }) => void;
}

export interface IngestProgress {
  /** Documents and skipped sources seen so far. */
  readonly sources: number;
  readonly documents: number;
  readonly chunks: number;
  readonly elapsedMs: number;
}

/**
 * What one `ingest` call did. Each document read is counted in exactly one of added, replaced,
 * unchanged and duplicates; `failed` counts the added or replaced ones that could not be written.
 */
export interface IngestSummary {
  /** Documents read from the input (not counting skipped sources). */
  readonly documents: number;
  readonly added: number;
  readonly replaced: number;
  readonly unchanged: number;
  readonly duplicates: number;
  readonly failed: number;
  /** Parents deleted because the input no longer had them (`removeMissing`). */
  readonly removed: number;
  /** Sources that gave no document, with the reason. */
  readonly skipped: ReadonlyArray<{ readonly source: string; readonly reason: string }>;
  /** Chunks written (to both sides). */
  readonly chunks: number;
  /** Chunks longer than the model limit (kept, reported). */
  readonly oversized: number;
  /**
   * Time spent per stage. The stages overlap (a batch is embedded while the next is read and
   * chunked), so they add up to more than `elapsedMs`; the largest one is what to tune.
   */
  readonly stages: IngestStageTimes;
  readonly elapsedMs: number;
}

export interface IngestStageTimes {
  /** Waiting for the input: reading and parsing files (loaders). */
  readonly loadMs: number;
  /** Cutting documents into chunks (tokenizer counts included). */
  readonly chunkMs: number;
  /** Writing batches to the dense side: embedding them, then storing the vectors. */
  readonly embedMs: number;
  /** Writing batches to the sparse side (BM25) and the document store. */
  readonly writeMs: number;
}
