/**
 * How vectors are compared. Scores are always "higher is better":
 * - `cosine`: cosine similarity (vectors are L2-normalised when stored, queries when searched,
 *   so the scan is a plain dot product);
 * - `dot`: the raw inner product (for embedders trained for it);
 * - `l2`: the negated Euclidean distance (0 for identical vectors, more negative further away).
 */
export const vectorMetrics = ["cosine", "dot", "l2"] as const;

export type VectorMetric = (typeof vectorMetrics)[number];

/** Scales a vector to unit length in place; the zero vector stays zero. */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  for (let i = 0; i < vector.length; i++) sumOfSquares += vector[i]! * vector[i]!;
  if (sumOfSquares > 0) {
    const inverse = 1 / Math.sqrt(sumOfSquares);
    for (let i = 0; i < vector.length; i++) vector[i]! *= inverse;
  }
  return vector;
}
