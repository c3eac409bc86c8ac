import type { CrossEncoder } from "@hybrid-rag/reranker";
import type { PairScorer, ScoringPair } from "./pair-scorer.ts";

/**
 * Serves a `CrossEncoder` to the batcher. A batch holds pairs of several requests; the pairs of
 * each query go to `scorePairs` together (the encoder sorts them by length and bounds padding),
 * and the encoder's own concurrency limit decides how many model runs overlap.
 */
export function crossEncoderScorer(crossEncoder: CrossEncoder): PairScorer {
  return {
    maxTokens: crossEncoder.maxLength,
    countTokens: (query, passage) => crossEncoder.countTokens(query, passage),
    async scorePairs(pairs, signal) {
      const groups = groupByQuery(pairs);
      const scores = new Float32Array(pairs.length);
      await Promise.all(
        groups.map(async ({ query, positions }) => {
          const logits = await crossEncoder.scorePairs(
            query,
            positions.map((position) => pairs[position]!.passage),
            // Over-length pairs with truncate NONE were refused before they were queued.
            { truncate: "END", ...(signal ? { signal } : {}) },
          );
          positions.forEach((position, index) => {
            scores[position] = logits[index]!;
          });
        }),
      );
      return scores;
    },
  };
}

function groupByQuery(
  pairs: readonly ScoringPair[],
): Array<{ query: string; positions: number[] }> {
  const groups = new Map<string, number[]>();
  pairs.forEach(({ query }, position) => {
    const positions = groups.get(query);
    if (positions) positions.push(position);
    else groups.set(query, [position]);
  });
  return [...groups].map(([query, positions]) => ({ query, positions }));
}
