import { HybridRagError } from "@hybrid-rag/core";
import { studentTwoSidedPValue } from "./student-t.ts";

export interface PairedTestResult {
  /** Mean of (b − a) over the pairs: positive when b scores higher. */
  readonly meanDifference: number;
  /** Two-sided p-value. */
  readonly pValue: number;
}

export interface PairedTTestResult extends PairedTestResult {
  readonly t: number;
  readonly degreesOfFreedom: number;
}

/**
 * Paired two-sided t-test on per-query scores (the test trec_eval users run with
 * `scipy.stats.ttest_rel`). Identical inputs give p = 1; a constant non-zero difference gives p = 0.
 */
export function pairedTTest(a: readonly number[], b: readonly number[]): PairedTTestResult {
  const differences = pairDifferences(a, b);
  const n = differences.length;
  if (n < 2) {
    throw new HybridRagError(
      "invalid-argument",
      `A paired t-test needs at least 2 pairs, got ${n}.`,
    );
  }
  const mean = differences.reduce((sum, value) => sum + value, 0) / n;
  const variance = differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const degreesOfFreedom = n - 1;
  if (variance === 0) {
    return {
      meanDifference: mean,
      t: mean === 0 ? 0 : Math.sign(mean) * Infinity,
      degreesOfFreedom,
      pValue: mean === 0 ? 1 : 0,
    };
  }
  const t = mean / Math.sqrt(variance / n);
  return {
    meanDifference: mean,
    t,
    degreesOfFreedom,
    pValue: studentTwoSidedPValue(t, degreesOfFreedom),
  };
}

/** b[i] − a[i], after checking both lists pair up and hold finite numbers. */
export function pairDifferences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) {
    throw new HybridRagError(
      "invalid-argument",
      `Paired tests need the same queries on both sides: got ${a.length} and ${b.length} values.`,
    );
  }
  return a.map((value, index) => {
    const other = b[index] ?? Number.NaN;
    if (!Number.isFinite(value) || !Number.isFinite(other)) {
      throw new HybridRagError(
        "invalid-argument",
        `Paired tests need finite scores; pair ${index} is (${value}, ${other}).`,
      );
    }
    return other - value;
  });
}
