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
  rerank(query: string, candidates: readonly Hit[], options?: RerankOptions): Promise<Hit[]>;
}
