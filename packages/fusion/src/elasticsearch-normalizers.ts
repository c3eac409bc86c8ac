import { HybridRagError } from "@hybrid-rag/core";
import type { Normalizer } from "./normalizers.ts";

// Elasticsearch's linear retriever works in Java floats; these reproduce its normalisers
// (org.elasticsearch.xpack.rank.linear) step by step, quirks included.
const epsilon = Math.fround(1e-6);
/** Java's Float.MIN_VALUE (the smallest positive float): Elasticsearch starts its maximum there. */
const javaFloatMinValue = 2 ** -149;

export function elasticsearchNormalize(
  normalizer: Normalizer,
  scores: readonly number[],
): number[] {
  const floats = scores.map(Math.fround);
  switch (normalizer) {
    case "min-max":
      return minMax(floats);
    case "l2":
      return l2(floats);
    case "none":
      return floats;
    default:
      throw new HybridRagError(
        "invalid-argument",
        `Elasticsearch's linear retriever has no "${normalizer}" normaliser; use "min-max", "l2" or "none", or the default flavour.`,
      );
  }
}

/** minmax: (s − min) / (max − min); |max − min| < 1e-6 → 1.0 for every hit (ES 8.18–9.0). */
function minMax(scores: readonly number[]): number[] {
  let min = Math.fround(3.4028234663852886e38);
  // Elasticsearch starts at Float.MIN_VALUE, so a list of negative scores gets max ≈ 1.4e-45.
  let max = javaFloatMinValue;
  for (const score of scores) {
    if (score > max) max = score;
    if (score < min) min = score;
  }
  if (Math.abs(Math.fround(min - max)) < epsilon) return scores.map(() => 1);
  const range = Math.fround(max - min);
  return scores.map((score) => Math.fround(Math.fround(score - min) / range));
}

/** l2_norm: s / √Σs² (sum in double of float squares); a norm below 1e-6 leaves scores as they are. */
function l2(scores: readonly number[]): number[] {
  let sumOfSquares = 0;
  for (const score of scores) sumOfSquares += Math.fround(score * score);
  const norm = Math.sqrt(sumOfSquares);
  if (norm < epsilon) return [...scores];
  return scores.map((score) => Math.fround(score / norm));
}
