import type { Embedder, EmbedOptions } from "@hybrid-rag/core";

/** Wraps an embedder and records every passage it is asked to embed (to prove what was re-embedded). */
export class CountingEmbedder implements Embedder {
  readonly name: string;
  readonly dimension: number;
  readonly embeddedPassages: string[] = [];
  readonly #inner: Embedder;

  constructor(inner: Embedder) {
    this.#inner = inner;
    this.name = inner.name;
    this.dimension = inner.dimension;
  }

  embedQueries(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.#inner.embedQueries(texts, options);
  }

  embedPassages(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    this.embeddedPassages.push(...texts);
    return this.#inner.embedPassages(texts, options);
  }
}
