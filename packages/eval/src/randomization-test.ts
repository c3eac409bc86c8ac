import { HybridRagError } from "@hybrid-rag/core";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { type PairedTestResult, pairDifferences } from "./paired-t-test.ts";

export interface RandomizationTestOptions {
  /** Random sign assignments to draw (default 10,000). */
  readonly trials?: number;
  /** Seed of the generator (xoroshiro128+), so a result can be reproduced exactly (default 42). */
  readonly seed?: number;
}

export interface RandomizationTestResult extends PairedTestResult {
  readonly trials: number;
  readonly seed: number;
}

/**
 * Paired randomisation (permutation) test, two-sided: under the null hypothesis each query's
 * two scores are exchangeable, so the sign of each difference is flipped at random and we count
 * how often the mean difference is at least as extreme as observed. p = (count + 1) / (trials + 1),
 * which is never 0 (Smucker, Allan & Carterette 2007 recommend this test for IR).
 */
export function randomizationTest(
  a: readonly number[],
  b: readonly number[],
  options: RandomizationTestOptions = {},
): RandomizationTestResult {
  const trials = options.trials ?? 10_000;
  const seed = options.seed ?? 42;
  if (!Number.isInteger(trials) || trials < 1) {
    throw new HybridRagError(
      "invalid-argument",
      `trials must be a positive integer, got ${trials}.`,
    );
  }
  if (!Number.isInteger(seed)) {
    throw new HybridRagError("invalid-argument", `seed must be an integer, got ${seed}.`);
  }
  const differences = pairDifferences(a, b);
  const n = differences.length;
  if (n === 0) {
    throw new HybridRagError("invalid-argument", "A randomisation test needs at least one pair.");
  }
  const observed = Math.abs(differences.reduce((sum, value) => sum + value, 0));
  // Sums are compared with a relative tolerance so that float noise does not decide ties.
  const threshold = observed - 1e-12 * Math.max(1, observed);
  const generator = xoroshiro128plus(seed);
  let extreme = 0;
  for (let trial = 0; trial < trials; trial += 1) {
    let sum = 0;
    for (const difference of differences) {
      sum += uniformInt(generator, 0, 1) === 1 ? difference : -difference;
    }
    if (Math.abs(sum) >= threshold) extreme += 1;
  }
  return {
    meanDifference: differences.reduce((sum, value) => sum + value, 0) / n,
    pValue: (extreme + 1) / (trials + 1),
    trials,
    seed,
  };
}
