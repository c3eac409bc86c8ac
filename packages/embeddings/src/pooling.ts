import type { PoolingMode } from "@hybrid-rag/models";

/**
 * Pools token vectors ([batch, sequence, hidden], row-major) into one vector per row, using
 * only the positions the attention mask marks as real tokens.
 */
export function poolHiddenStates(
  hidden: Float32Array,
  mask: BigInt64Array,
  dims: { batch: number; sequence: number; width: number },
  mode: PoolingMode,
): Float32Array[] {
  const { batch, sequence, width } = dims;
  const vectors: Float32Array[] = [];
  for (let row = 0; row < batch; row++) {
    const vector = new Float32Array(width);
    const base = row * sequence;
    if (mode === "cls") {
      vector.set(hidden.subarray(base * width, base * width + width));
    } else if (mode === "last-token") {
      let last = 0;
      for (let position = 0; position < sequence; position++)
        if (mask[base + position] === 1n) last = position;
      vector.set(hidden.subarray((base + last) * width, (base + last) * width + width));
    } else {
      if (mode === "max") vector.fill(Number.NEGATIVE_INFINITY);
      let count = 0;
      for (let position = 0; position < sequence; position++) {
        if (mask[base + position] !== 1n) continue;
        count += 1;
        const offset = (base + position) * width;
        for (let i = 0; i < width; i++) {
          const value = hidden[offset + i]!;
          vector[i] = mode === "max" ? Math.max(vector[i]!, value) : vector[i]! + value;
        }
      }
      if (mode === "mean") for (let i = 0; i < width; i++) vector[i]! /= Math.max(count, 1);
    }
    vectors.push(vector);
  }
  return vectors;
}

/** Scales a vector to unit length in place (zero vectors stay zero). */
export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}
