/** Relevance judgements: query id → (document id → grade). A grade > 0 means relevant. */
export type Qrels = Map<string, Map<string, number>>;

/** One retrieved document of a run. */
export interface RunEntry {
  readonly docId: string;
  readonly score: number;
}

/**
 * A retrieval run: query id → retrieved documents. The order of the array does not matter to the
 * metrics: like trec_eval, they rank by score (descending), ties by document id (descending).
 */
export type Run = Map<string, RunEntry[]>;
