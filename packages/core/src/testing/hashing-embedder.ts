import { throwIfAborted } from "../abort.ts";
import type { Embedder, EmbedOptions } from "../embedder.ts";
import { HybridRagError } from "../errors.ts";
import { fnv1a } from "../fnv1a.ts";
import { simpleTokens } from "./simple-tokens.ts";

/**
 * A deterministic bag-of-words embedder (feature hashing, L2-normalised) for tests and demos
 * without model weights. Identical texts embed identically; shared words raise cosine.
 */
export class HashingEmbedder implements Embedder {
  readonly name = "hashing";
  readonly dimension: number;

  constructor(dimension = 256) {
    this.dimension = dimension;
  }

  async embedQueries(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.#embed(texts, options);
  }

  async embedPassages(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.#embed(texts, options);
  }

  #embed(texts: readonly string[], options?: EmbedOptions): Float32Array[] {
    throwIfAborted(options?.signal, "hashing embedder");
    return texts.map((text, index) => {
      if (typeof text !== "string") {
        throw new HybridRagError(
          "invalid-argument",
          `hashing embedder: input ${index} must be a string, got ${typeof text}.`,
        );
      }
      const vector = new Float32Array(this.dimension);
      for (const token of simpleTokens(text)) {
        const hash = fnv1a(token);
        vector[hash % this.dimension]! += hash & 0x80000000 ? -1 : 1;
      }
      const norm = Math.hypot(...vector);
      if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
      return vector;
    });
  }
}
