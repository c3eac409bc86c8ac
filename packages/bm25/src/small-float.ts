/**
 * Lucene's SmallFloat.intToByte4 / byte4ToInt: the one-byte document-length norm. Lengths
 * below 24 are exact; longer ones keep 4 significant bits (truncated), so decoding rounds down.
 */
const freeValues = 24;

function longToInt4(value: number): number {
  const bits = 32 - Math.clz32(value);
  if (bits < 4) return value;
  const shift = bits - 4;
  return ((value >>> shift) & 0x07) | ((shift + 1) << 3);
}

function int4ToLong(encoded: number): number {
  const bits = encoded & 0x07;
  const shift = (encoded >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

/** Encodes a token count (0 ≤ length < 2³¹) into Lucene's norm byte. */
export function lengthToNorm(length: number): number {
  if (length < freeValues) return length;
  return freeValues + longToInt4(length - freeValues);
}

/** The length Lucene's BM25 uses for a norm byte. */
export function normToLength(norm: number): number {
  if (norm < freeValues) return norm;
  return freeValues + int4ToLong(norm - freeValues);
}

/** Decoded lengths of all 256 norm bytes (Lucene's BM25Similarity.LENGTH_TABLE). */
export const lengthTable: Float32Array = Float32Array.from({ length: 256 }, (_, norm) =>
  normToLength(norm),
);
