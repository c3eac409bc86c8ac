import { lengthTable } from "./small-float.ts";

const f = Math.fround;

/** Lucene BM25Similarity.idf: computed in double, then cast to float. */
export function idf(documentFrequency: number, documentCount: number): number {
  return f(Math.log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5)));
}

/** Lucene's avgFieldLength: `(float) (sumTotalTermFreq / (double) docCount)`. */
export function averageLength(totalTerms: number, documentCount: number): number {
  return documentCount === 0 ? 1 : f(totalTerms / documentCount);
}

/**
 * Lucene's per-norm cache `1f / (k1 * ((1 - b) + b * LENGTH_TABLE[i] / avgdl))`, every step
 * rounded to float32 as Java's float arithmetic does.
 */
export function normCache(k1: number, b: number, averageDocumentLength: number): Float32Array {
  const k1f = f(k1);
  const bf = f(b);
  const oneMinusB = f(1 - bf);
  const cache = new Float32Array(256);
  for (let norm = 0; norm < 256; norm++) {
    const scaledLength = f(f(bf * lengthTable[norm]!) / averageDocumentLength);
    cache[norm] = f(1 / f(k1f * f(oneMinusB + scaledLength)));
  }
  return cache;
}

/** Lucene BM25Scorer.score: `weight - weight / (1f + freq * cache[norm])` in float32. */
export function termScore(weight: number, frequency: number, inverseNorm: number): number {
  return f(weight - f(weight / f(1 + f(frequency * inverseNorm))));
}
