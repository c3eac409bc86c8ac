import type { Chunk } from "@hybrid-rag/chunking";
import type { SavedIngest } from "./ingest-checkpoints.ts";

/** A document of an ingest that could not be written, and what became of its stored version. */
export interface DocumentFailure {
  readonly parentId: string;
  readonly source: string;
  /** Why its chunks could not be written (the first failed chunk's error). */
  readonly reason: string;
  /**
   * `kept`: the version stored before stays searchable; `none`: it was new; `removed`: the
   * previous version could not be written back either (`restoreError`) and was removed whole.
   */
  readonly previousVersion: "kept" | "none" | "removed";
  readonly restoreError?: string;
}

/**
 * Events of `collection.events`, named `<noun>-<action>`. A listener that throws (or rejects)
 * is skipped and cannot fail the ingest: during `ingest` its error becomes one of the summary's
 * `warnings`, otherwise a process warning.
 */
export interface CollectionEvents {
  /** A file or record that gave no document (unsupported, unreadable, invalid). */
  "source-skipped": (event: { source: string; reason: string }) => void;
  /** Same content hash as the stored version: not re-chunked, not re-embedded. */
  "document-unchanged": (event: { parentId: string }) => void;
  /** The same id came twice in one ingest: the later one is not indexed. */
  "document-duplicate": (event: { parentId: string; source: string }) => void;
  /** Chunked and queued for indexing (`replaced`: an older version's chunks were removed). */
  "document-chunked": (event: { parentId: string; chunks: number; replaced: boolean }) => void;
  /**
   * A new or changed document whose chunks could not all be written: none of its new chunks
   * stay, and a changed document keeps its previous version (`previousVersion: "kept"`).
   */
  "document-failed": (event: DocumentFailure & { error: Error }) => void;
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
 * unchanged, duplicates and failed (new or changed, but not written: listed in `failures`).
 */
export interface IngestSummary {
  /** Documents read from the input (not counting skipped sources). */
  readonly documents: number;
  readonly added: number;
  readonly replaced: number;
  readonly unchanged: number;
  readonly duplicates: number;
  readonly failed: number;
  /** Each failed document with its reason; a changed one keeps its previous version. */
  readonly failures: readonly DocumentFailure[];
  /** Parents deleted because the input no longer had them (`removeMissing`). */
  readonly removed: number;
  /**
   * Stored parents the input no longer had, kept because `removeMissing` was off (a file
   * deleted from the folder): `removeMissing` deletes them. 0 with `removeMissing`.
   */
  readonly missing: number;
  /** The sources of the first 20 of them. */
  readonly missingSources: readonly string[];
  /**
   * Parents of the whole collection (after this ingest) that hold the same text as another —
   * the same page as HTML, text and PDF — found by MinHash over their normalised text: how
   * many groups, how many parents in them, and the sources of the first 10 groups. Search
   * shows one member of a group (the best-ranked) unless asked to keep duplicates.
   */
  readonly nearDuplicates: {
    readonly groups: number;
    readonly documents: number;
    readonly examples: ReadonlyArray<readonly string[]>;
  };
  /**
   * Only for an ingest with `checkpoint` (durable): the version it ended on, or null when it
   * changed nothing and therefore wrote nothing.
   */
  readonly saved?: SavedIngest | null;
  /** Sources that gave no document, with the reason. */
  readonly skipped: ReadonlyArray<{ readonly source: string; readonly reason: string }>;
  /** Chunks written (to both sides). */
  readonly chunks: number;
  /** Images of the new and changed documents (see `IngestImageCounts`). */
  readonly images: IngestImageCounts;
  /** Chunks longer than the model limit (kept, reported). */
  readonly oversized: number;
  /** Event listeners that threw during the ingest (skipped; the ingest went on). */
  readonly warnings: readonly string[];
  /**
   * Time spent per stage. The stages overlap (a batch is embedded while the next is read and
   * chunked), so they add up to more than `elapsedMs`; the largest one is what to tune.
   */
  readonly stages: IngestStageTimes;
  readonly elapsedMs: number;
}

/**
 * What became of the images of an ingest's new and changed documents (unchanged ones are not
 * looked at). Each image is counted once: stored, deduplicated or skipped.
 */
export interface IngestImageCounts {
  /** New images written to the collection's image store. */
  readonly stored: number;
  /** Images whose bytes the store already held (another document, an earlier version): not stored again. */
  readonly deduplicated: number;
  /**
   * Images refused (over `images.maxImageBytes` / `maxImagePixels`, not the format declared):
   * an image-only document is then not ingested, a text document is ingested without it.
   */
  readonly skipped: ReadonlyArray<{ readonly id: string; readonly reason: string }>;
  /**
   * Image-only documents stored: BM25 and the text embedder skip them (nothing to read), so
   * search finds them only through an image-aware reranker (pipeline `pageImages: "add"`).
   */
  readonly imageOnly: number;
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
