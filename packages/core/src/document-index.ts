import type { Document } from "./document.ts";

/** Options of one write (`upsert`, `delete`): the abort signal. */
export interface WriteOptions {
  readonly signal?: AbortSignal;
}

/** One document that could not be written, and why. Nothing is dropped silently. */
export interface ItemFailure {
  readonly id: string;
  /** Position of the document in the input array. */
  readonly index: number;
  readonly error: Error;
}

/** The outcome of a write: how many succeeded, and each failure with its reason (nothing is dropped silently). */
export interface WriteReport {
  /** How many documents were written (added or replaced) or deleted. */
  readonly succeeded: number;
  readonly failed: readonly ItemFailure[];
  /**
   * Documents written but left out of a part that cannot use them (an image-only document has
   * no text for BM25 or a text embedder), each with the reason. Absent or empty: none.
   */
  readonly skipped?: readonly ItemSkip[];
}

/** A document a store wrote without a part that cannot read it (see `WriteReport.skipped`). */
export interface ItemSkip {
  readonly id: string;
  /** Position of the document in the input array. */
  readonly index: number;
  readonly reason: string;
}

/**
 * The write side of a store. Writing a document whose id exists replaces it (upsert);
 * invalid documents are reported item by item in `failed`, never thrown away silently.
 */
export interface DocumentIndex {
  upsert(documents: readonly Document[], options?: WriteOptions): Promise<WriteReport>;
  /** Deletes by id; unknown ids are not an error (they count as not deleted). */
  delete(ids: readonly string[], options?: WriteOptions): Promise<WriteReport>;
  /** Number of live (not deleted) documents. */
  count(): Promise<number>;
}
