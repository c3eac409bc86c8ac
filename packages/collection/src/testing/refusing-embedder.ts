import type { Embedder } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";

/**
 * A hashing embedder that refuses any call containing a passage with `refuse` in it (an
 * embedding service answering 422 to some input), or every call while `refuseAll` is set.
 * Same name and dimension as `new HashingEmbedder(dimension)`, so it opens the same collections.
 */
export class RefusingEmbedder implements Embedder {
  readonly name: string;
  readonly dimension: number;
  refuse: string | undefined;
  refuseAll = false;
  readonly #inner: HashingEmbedder;

  constructor(dimension: number, refuse?: string) {
    this.#inner = new HashingEmbedder(dimension);
    this.name = this.#inner.name;
    this.dimension = dimension;
    this.refuse = refuse;
  }

  embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    return this.#inner.embedQueries(texts);
  }

  async embedPassages(texts: readonly string[]): Promise<Float32Array[]> {
    const refused = this.refuseAll
      ? texts[0]
      : texts.find((text) => this.refuse !== undefined && text.includes(this.refuse));
    if (refused !== undefined) {
      throw new Error(
        `the embedding service refused the passage ${JSON.stringify(refused.slice(0, 40))} (422)`,
      );
    }
    return this.#inner.embedPassages(texts);
  }
}
