import type { Document, Hit, Reranker, RerankOptions } from "@hybrid-rag/core";
import { RerankScoreCache } from "./rerank-score-cache.ts";

export interface CacheCounts {
  hits: number;
  misses: number;
}

/**
 * A reranker that answers pairs from the score cache and sends only the others to `inner`
 * (all of them in one call, without topN), then orders every candidate by score as the
 * rerankers do (ties keep the earlier rank) with the same rerank evidence.
 */
export function cachedReranker(
  inner: Reranker,
  cache: RerankScoreCache,
  passageText: (document: Document) => string,
  counts: CacheCounts,
): Reranker {
  return {
    name: inner.name,
    async rerank(query: string, candidates: readonly Hit[], options?: RerankOptions) {
      const keys = candidates.map((hit) =>
        hit.document
          ? RerankScoreCache.key(inner.name, query, passageText(hit.document))
          : undefined,
      );
      const scores = new Map<string, number>();
      const missing: Hit[] = [];
      for (const [index, hit] of candidates.entries()) {
        const key = keys[index];
        const score = key === undefined ? undefined : cache.get(key);
        if (score === undefined) missing.push(hit);
        else scores.set(hit.id, score);
      }
      counts.hits += candidates.length - missing.length;
      counts.misses += missing.length;
      if (missing.length > 0) {
        const { topN: _all, ...rest } = options ?? {};
        for (const hit of await inner.rerank(query, missing, rest)) scores.set(hit.id, hit.score);
        for (const [index, hit] of candidates.entries()) {
          const score = scores.get(hit.id);
          if (keys[index] !== undefined && score !== undefined) cache.set(keys[index]!, score);
        }
      }
      const scored = candidates
        .filter((hit) => scores.has(hit.id))
        .map((hit) => ({ hit, score: scores.get(hit.id)! }));
      scored.sort((a, b) => b.score - a.score || a.hit.rank - b.hit.rank);
      return scored.slice(0, options?.topN ?? scored.length).map(({ hit, score }, index) => ({
        ...hit,
        score,
        rank: index + 1,
        rerank: { reranker: inner.name, score, previousRank: hit.rank, previousScore: hit.score },
      }));
    },
  };
}
