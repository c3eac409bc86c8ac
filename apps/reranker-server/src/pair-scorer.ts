/** One (query, passage) pair to score. */
export interface ScoringPair {
  readonly query: string;
  readonly passage: string;
}

/**
 * What the server needs from a cross-encoder. `@hybrid-rag/reranker`'s `CrossEncoder` provides
 * it (see `crossEncoderScorer`); tests may wrap one to hold batches back.
 */
export interface PairScorer {
  /** Longest input the model accepts, in tokens (special tokens included). */
  readonly maxTokens: number;
  /** Tokens of the pair as the model would see it before truncation (special tokens included). */
  countTokens(query: string, passage: string): number;
  /** Raw logits, one per pair, in order; inputs longer than `maxTokens` are cut at the end. */
  scorePairs(pairs: readonly ScoringPair[], signal?: AbortSignal): Promise<Float32Array>;
}
