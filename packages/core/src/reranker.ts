import type { Hit } from "./hit.ts";

/** Options of one `Reranker.rerank` call: how many hits to return, the abort signal. */
export interface RerankOptions {
  /** Keep at most this many hits after reranking (default: all). */
  readonly topN?: number;
  readonly signal?: AbortSignal;
}

/**
 * Reorders candidates by how well each matches the query. Every candidate must carry its
 * `document` (the text is what gets scored). The output is a subset of the candidates ordered
 * by reranker score, ranks 1.., each hit keeping its provenance plus `rerank`
 * (score, previous rank and score).
 */
export interface Reranker {
  readonly name: string;
  /**
   * What the reranker can look at besides text. Absent: text only — an image-only candidate is
   * an `unsupported` error naming it. `{ images: true }`: candidates' images are scored too
   * (a VLM reranker; stored references are resolved through its `ImageResolver`).
   */
  readonly accepts?: RerankerInputs;
  rerank(query: string, candidates: readonly Hit[], options?: RerankOptions): Promise<Hit[]>;
}

/** The inputs a reranker scores besides text (see `Reranker.accepts`). */
export interface RerankerInputs {
  readonly images: true;
}
