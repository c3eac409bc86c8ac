/** Options of one embedder call: the caller's abort signal. */
export interface EmbedOptions {
  readonly signal?: AbortSignal;
}

/**
 * Turns text into vectors. Queries and passages are embedded separately because many models
 * (e5, bge, NIM embedders) treat them differently (prefixes or `input_type`).
 */
export interface Embedder {
  readonly name: string;
  /** Length of every vector this embedder returns. */
  readonly dimension: number;
  embedQueries(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
  embedPassages(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}
