import { z } from "zod";

/** How a list's raw scores are mapped to a common scale before they are combined. */
export type Normalizer = "min-max" | "z-score" | "l2" | "rank" | "none";

export const normalizerSchema = z.enum(["min-max", "z-score", "l2", "rank", "none"], {
  error: 'normalizer must be one of "min-max", "z-score", "l2", "rank", "none"',
});

export interface NormalizeSettings {
  /** Rounding after each step (identity, or Math.fround to reproduce float32 servers). */
  readonly round: (value: number) => number;
  /** min-max: the score every hit gets when all scores of a list are equal (default 1). */
  readonly allEqualScore: number;
}

/** Normalises the scores of one list (best first). Never divides by zero. */
export function normalize(
  normalizer: Normalizer,
  scores: readonly number[],
  settings: NormalizeSettings,
): number[] {
  switch (normalizer) {
    case "min-max":
      return minMax(scores, settings);
    case "z-score":
      return zScore(scores, settings.round);
    case "l2":
      return l2(scores, settings.round);
    case "rank":
      return scores.map((_, index) => (scores.length - index) / scores.length);
    case "none":
      return [...scores];
  }
}

function minMax(scores: readonly number[], settings: NormalizeSettings): number[] {
  const { round } = settings;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const score of scores) {
    if (score < min) min = score;
    if (score > max) max = score;
  }
  const range = round(max - min);
  if (range === 0) return scores.map(() => settings.allEqualScore);
  return scores.map((score) => round(round(score - min) / range));
}

/** (s − mean) / σ with the population σ (as ranx's zmuv); a constant list gives 0 for all. */
function zScore(scores: readonly number[], round: (value: number) => number): number[] {
  const mean = round(sum(scores, round) / scores.length);
  const squares = scores.map((score) => round(round(score - mean) * round(score - mean)));
  const deviation = round(Math.sqrt(round(sum(squares, round) / scores.length)));
  if (deviation === 0) return scores.map(() => 0);
  return scores.map((score) => round(round(score - mean) / deviation));
}

/** s / √Σs²; a list of zeros stays zeros. */
function l2(scores: readonly number[], round: (value: number) => number): number[] {
  const norm = round(
    Math.sqrt(
      sum(
        scores.map((score) => round(score * score)),
        round,
      ),
    ),
  );
  if (norm === 0) return scores.map(() => 0);
  return scores.map((score) => round(score / norm));
}

/**
 * Qdrant's distribution-based normalisation: mean and sample variance (n − 1, Welford's
 * method), then (s − lo) / (hi − lo) with lo, hi = mean ∓ 3σ, not clamped. A single score or
 * lo == hi gives 0.5.
 */
export function distributionNormalize(
  scores: readonly number[],
  round: (value: number) => number,
): number[] {
  if (scores.length < 2) return scores.map(() => 0.5);
  let mean = 0;
  let aggregate = 0;
  scores.forEach((score, index) => {
    const oldDelta = round(score - mean);
    mean = round(mean + round(oldDelta / (index + 1)));
    const delta = round(score - mean);
    aggregate = round(aggregate + round(oldDelta * delta));
  });
  const variance = round(aggregate / (scores.length - 1));
  const deviation = round(Math.sqrt(variance));
  const low = round(mean - round(3 * deviation));
  const high = round(mean + round(3 * deviation));
  if (low === high) return scores.map(() => 0.5);
  const range = round(high - low);
  return scores.map((score) => round(round(score - low) / range));
}

function sum(values: readonly number[], round: (value: number) => number): number {
  let total = 0;
  for (const value of values) total = round(total + value);
  return total;
}
