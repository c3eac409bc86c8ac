import type { InlineImage } from "@hybrid-rag/core";
import { simpleTokens } from "@hybrid-rag/core/testing";
import type { PairScorer, ScoringPair, TokenizedPair } from "../pair-scorer.ts";

/** Tokens an image stands for in the fake's budget (a VLM's image tiles are in the hundreds). */
export const imageTokens = 64;

/**
 * A model-less scorer that accepts images (`accepts: { images: true }`): the stand-in, at the
 * scorer interface, for the in-process VLM family. Its logit reads every input it is given —
 * the words the passage shares with the query, and an FNV-1a hash of the image bytes and of
 * the pixel size — so a test that computes `expectedImageLogit` from what it sent proves the
 * bytes reached the model unchanged, whatever the batching.
 */
export function imageScorer(maxTokens = 4096): PairScorer & { readonly seen: ScoringPair[] } {
  const seen: ScoringPair[] = [];
  return {
    seen,
    maxTokens,
    accepts: { images: true },
    device: { executionProvider: "none (model-less test scorer)" },
    tokenizePairs(pairs) {
      return pairs.map((pair): TokenizedPair => {
        const length =
          simpleTokens(pair.query).length +
          simpleTokens(pair.passage).length +
          (pair.image ? imageTokens : 0) +
          3;
        return { ...pair, tokens: Math.min(length, maxTokens), untruncatedTokens: length };
      });
    },
    async scoreTokenized(pairs) {
      seen.push(...pairs);
      return Float32Array.from(pairs, (pair) =>
        expectedImageLogit(pair.query, pair.passage, pair.image),
      );
    },
  };
}

/** The fake's logit for a (query, text, image) triple, computed from what a client sent. */
export function expectedImageLogit(
  query: string,
  text: string,
  image: Pick<InlineImage, "data" | "width" | "height"> | undefined,
): number {
  const words = new Set(simpleTokens(query));
  const shared = simpleTokens(text).filter((word) => words.has(word)).length;
  if (image === undefined) return shared;
  let hash = 0x811c9dc5;
  for (const byte of image.data) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  const size = (image.width ?? 0) * 7 + (image.height ?? 0);
  return Math.fround(shared + ((hash % 1000) + size) / 1000);
}
