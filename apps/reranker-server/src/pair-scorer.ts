import type { InlineImage, RerankerInputs } from "@hybrid-rag/core";

/** One (query, passage) pair to score. */
export interface ScoringPair {
  readonly query: string;
  /** The passage's text; "" for an image-only passage. */
  readonly passage: string;
  /** The passage's image (bytes checked: recognised format, within the byte and pixel limits). */
  readonly image?: InlineImage;
  /** Cut the passage to this many tokens before pairing (Cohere's `max_tokens_per_doc`). */
  readonly maxPassageTokens?: number;
}

/** A pair tokenised at admission: its lengths decide the batch budget, the limit check and `usage`. */
export interface TokenizedPair extends ScoringPair {
  /** Tokens the model reads, at most `maxTokens` (longer pairs are cut at the end). */
  readonly tokens: number;
  /** Tokens of the pair before truncation (special tokens included). */
  readonly untruncatedTokens: number;
}

/**
 * What the server needs from a cross-encoder. `@hybrid-rag/reranker`'s `CrossEncoder` provides
 * it (see `crossEncoderScorer`); tests may wrap one to hold batches back. A scorer may carry its
 * own encoding in the pairs it tokenises (`Pair`): the batcher hands exactly those objects back.
 */
export interface PairScorer<Pair extends TokenizedPair = TokenizedPair> {
  /** Longest input the model accepts, in tokens (special tokens included). */
  readonly maxTokens: number;
  /**
   * `{ images: true }` for a model that scores passage images (a VLM reranker); absent: text
   * only, and `/v1/ranking` refuses image passages with a 422 naming the model.
   */
  readonly accepts?: RerankerInputs;
  /**
   * What the model really runs on (provider in use, requested provider, precision, …), shown in
   * `/v1/metadata` once the model is loaded.
   */
  readonly device?: Readonly<Record<string, unknown>>;
  /**
   * Tokenisations that can run at once (the worker threads; default 1). The server holds the
   * others in its own line, where a request whose client has left is dropped before it is
   * tokenised.
   */
  readonly tokenizeConcurrency?: number;
  /**
   * Tokenises each pair once; inputs longer than `maxTokens` are cut at the end. Asynchronous,
   * so a scorer can tokenise off the event loop (`workerPoolScorer`). `firstIndex` is the index
   * of pairs[0] in its request, for messages naming a passage.
   */
  tokenizePairs(
    pairs: readonly ScoringPair[],
    signal?: AbortSignal,
    firstIndex?: number,
  ): Promise<Pair[]> | Pair[];
  /**
   * Raw logits, one per pair, in order, for pairs this scorer tokenised (method syntax on
   * purpose: a `PairScorer<Encoded>` serves where a `PairScorer` is expected).
   */
  scoreTokenized(pairs: readonly Pair[], signal?: AbortSignal): Promise<Float32Array>;
}
