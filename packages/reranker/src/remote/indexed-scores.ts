import { HybridRagError } from "@hybrid-rag/core";

/**
 * Puts `{ index, score }` results (sorted by score, as rerank APIs answer) back into request
 * order, checking that every passage got exactly one score.
 */
export function scoresInRequestOrder(
  results: readonly { readonly index: number; readonly score: number }[],
  count: number,
  what: string,
): Float64Array {
  const scores = new Float64Array(count);
  const seen = new Uint8Array(count);
  for (const { index, score } of results) {
    if (!Number.isInteger(index) || index < 0 || index >= count || seen[index]) {
      throw new HybridRagError(
        "corrupt-data",
        `${what} returned ${seen[index] ? "a duplicate" : "an out-of-range"} index ${index} for ${count} passages.`,
      );
    }
    seen[index] = 1;
    scores[index] = score;
  }
  const missing = seen.indexOf(0);
  if (missing !== -1) {
    throw new HybridRagError(
      "corrupt-data",
      `${what} returned ${results.length} scores for ${count} passages (passage ${missing} has none).`,
    );
  }
  return scores;
}
