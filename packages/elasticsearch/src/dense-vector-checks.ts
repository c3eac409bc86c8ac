import { HybridRagError } from "@hybrid-rag/core";
import type { DenseFieldOptions } from "./elasticsearch-options.ts";

/** Elasticsearch's tolerance on ‖v‖² for `dot_product` (float vectors): |‖v‖² − 1| ≤ 1e-4. */
const unitTolerance = 1e-4;

/**
 * Applies the dense field's rules to one vector before it is sent, as Elasticsearch would at
 * index and query time, but with a message that says what to do: `normalize` scales it to unit
 * length; `dot_product` refuses a vector that is not unit length; `cosine` (and `normalize`)
 * refuse the zero vector. Returns the vector to send.
 */
export function checkedVector(
  vector: Float32Array,
  dense: DenseFieldOptions,
  what: string,
): Float32Array {
  let squared = 0;
  for (const value of vector) squared += value * value;
  const needsMagnitude = dense.normalize || dense.similarity === "cosine";
  if (needsMagnitude && squared === 0) {
    throw new HybridRagError(
      "invalid-argument",
      `${what} is the zero vector, which ${dense.normalize ? "cannot be normalised" : "Elasticsearch's cosine similarity refuses"}: fix the embedder's output for this text, or use similarity "l2_norm".`,
    );
  }
  if (dense.normalize) {
    const norm = Math.sqrt(squared);
    return vector.map((value) => value / norm);
  }
  if (dense.similarity === "dot_product" && Math.abs(squared - 1) > unitTolerance) {
    throw new HybridRagError(
      "invalid-argument",
      `${what} has length ${Math.sqrt(squared).toPrecision(6)}, but Elasticsearch's dot_product similarity takes unit-length vectors only: set dense.normalize: true, use similarity "cosine", or an embedder that normalises its output.`,
    );
  }
  return vector;
}
