import { createHash } from "node:crypto";
import { HybridRagError } from "@hybrid-rag/core";

export interface ScoreCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  readonly size: number;
  readonly maxEntries: number;
}

/**
 * A bounded LRU cache of reranker scores keyed by (model, query, sha256 of the passage text), so
 * pairs seen again (pagination, retries, popular queries) are not scored twice. The least
 * recently used entry goes first when `maxEntries` is reached.
 */
export class RerankScoreCache {
  readonly maxEntries: number;
  readonly #scores = new Map<string, number>();
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new HybridRagError(
        "invalid-argument",
        `scoreCache.maxEntries must be a whole number ≥ 1, got ${maxEntries}.`,
      );
    }
    this.maxEntries = maxEntries;
  }

  /** The key of one (model, query, passage) pair; the passage enters as its sha256. */
  static key(model: string, query: string, passage: string): string {
    const passageHash = createHash("sha256").update(passage).digest("base64");
    return `${model.length}:${model}${query.length}:${query}${passageHash}`;
  }

  get(key: string): number | undefined {
    const score = this.#scores.get(key);
    if (score === undefined) {
      this.#misses += 1;
      return undefined;
    }
    this.#hits += 1;
    // Re-insert: Map keeps insertion order, so the first key is the least recently used.
    this.#scores.delete(key);
    this.#scores.set(key, score);
    return score;
  }

  /** Whether `key` is cached, without counting a hit or miss or refreshing its place. */
  peek(key: string): boolean {
    return this.#scores.has(key);
  }

  set(key: string, score: number): void {
    if (!Number.isFinite(score)) return; // never cache a NaN / infinite score
    this.#scores.delete(key);
    this.#scores.set(key, score);
    while (this.#scores.size > this.maxEntries) {
      const oldest = this.#scores.keys().next().value as string;
      this.#scores.delete(oldest);
      this.#evictions += 1;
    }
  }

  stats(): ScoreCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      size: this.#scores.size,
      maxEntries: this.maxEntries,
    };
  }
}
