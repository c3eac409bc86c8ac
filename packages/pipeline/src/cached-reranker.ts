import { createHash } from "node:crypto";
import type { Document, DocumentImage, Hit, Reranker, RerankOptions } from "@hybrid-rag/core";
import { RerankScoreCache } from "./rerank-score-cache.ts";

/** SHA-256 of inline image bytes, once per byte array (a page image is scored on many queries). */
const inlineImageHashes = new WeakMap<Uint8Array, string>();

/**
 * What identifies a document's image in a cache key: its stored ref (already the hex SHA-256 of
 * its bytes) or the SHA-256 of its inline bytes. Two image-only documents share the text "", so
 * a key of text alone would give one the other's score.
 */
function imageKey(image: DocumentImage | undefined): string {
  if (image === undefined) return "";
  if ("ref" in image) return `image:${image.ref}`;
  let hash = inlineImageHashes.get(image.data);
  if (hash === undefined) {
    hash = createHash("sha256").update(image.data).digest("hex");
    inlineImageHashes.set(image.data, hash);
  }
  return `image:${hash}`;
}

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
  // A reranker that ignores images scores text alone: only an image-aware one keys on them.
  const keysImages = inner.accepts?.images === true;
  return {
    name: inner.name,
    ...(inner.accepts ? { accepts: inner.accepts } : {}),
    async rerank(query: string, candidates: readonly Hit[], options?: RerankOptions) {
      const keys = candidates.map((hit) =>
        hit.document
          ? RerankScoreCache.key(
              inner.name,
              query,
              keysImages
                ? `${imageKey(hit.document.image)}\n${passageText(hit.document)}`
                : passageText(hit.document),
            )
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
