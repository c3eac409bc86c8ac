import { mulberry32 } from "@hybrid-rag/core/internal";

/**
 * Deterministic pseudo-random unit vectors (mulberry32 + Box–Muller), so every run and every
 * peer sees the same data. Gaussian components make directions uniform on the sphere.
 */
export function randomUnitVectors(count: number, dimension: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const vectors = new Float32Array(count * dimension);
  for (let row = 0; row < count; row++) {
    let sumOfSquares = 0;
    for (let column = 0; column < dimension; column++) {
      const u = Math.max(next(), Number.EPSILON);
      const value = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
      vectors[row * dimension + column] = value;
      sumOfSquares += value * value;
    }
    const inverse = 1 / Math.sqrt(sumOfSquares);
    for (let column = 0; column < dimension; column++)
      vectors[row * dimension + column]! *= inverse;
  }
  return vectors;
}

/**
 * Unit vectors around 1,000 random unit centres (each row: a centre plus 0.6 × a random unit
 * vector, normalised): neighbourhoods like real embeddings have, which uniformly random
 * vectors lack. The centres are always drawn from seed 1000, so queries (another seed) fall
 * among the data. Deterministic per seed.
 */
export function clusteredUnitVectors(count: number, dimension: number, seed: number): Float32Array {
  const centreCount = 1000;
  const centres = randomUnitVectors(centreCount, dimension, 1000);
  const noise = randomUnitVectors(count, dimension, seed);
  const next = mulberry32(seed + 7);
  const vectors = new Float32Array(count * dimension);
  for (let row = 0; row < count; row++) {
    const centre = Math.floor(next() * centreCount) * dimension;
    let sumOfSquares = 0;
    for (let column = 0; column < dimension; column++) {
      const value = centres[centre + column]! + 0.6 * noise[row * dimension + column]!;
      vectors[row * dimension + column] = value;
      sumOfSquares += value * value;
    }
    const inverse = 1 / Math.sqrt(sumOfSquares);
    for (let column = 0; column < dimension; column++)
      vectors[row * dimension + column]! *= inverse;
  }
  return vectors;
}
