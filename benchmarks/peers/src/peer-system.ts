import type { Corpus } from "./corpus.ts";

/** Which question a system answers: words, a vector, or both fused. */
export type QueryKind = "bm25" | "vectors" | "hybrid";

/** One engine configured for one kind of query, built over a corpus and then asked its queries. */
export interface PeerSystem {
  /**
   * Builds the index from the corpus's documents (and their vectors, where it uses them),
   * calling `onProgress` with the documents indexed so far where the engine writes in batches
   * (so that a build killed at its budget says how far it got).
   */
  build(corpus: Corpus, onProgress?: (documentsIndexed: number) => void): Promise<void>;
  /** The ids of the best `topK` documents for the corpus's query number `queryIndex`, best first. */
  search(queryIndex: number, topK: number): Promise<readonly string[]>;
  close?(): Promise<void>;
}

export interface SystemEntry {
  /** The name on the command line (`--systems`) and in the results file. */
  readonly id: string;
  /** The row label in the table: engine and configuration. */
  readonly label: string;
  readonly kind: QueryKind;
  readonly create: () => Promise<PeerSystem>;
}
