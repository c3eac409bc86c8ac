import { HybridRagError } from "@hybrid-rag/core";
import type { RunEvaluation } from "./evaluate-run.ts";
import { type PairedTTestResult, pairedTTest } from "./paired-t-test.ts";
import {
  type RandomizationTestOptions,
  type RandomizationTestResult,
  randomizationTest,
} from "./randomization-test.ts";

export interface RunComparison {
  readonly metric: string;
  readonly queryCount: number;
  readonly baselineMean: number;
  readonly candidateMean: number;
  /** candidate − baseline. */
  readonly difference: number;
  readonly tTest: PairedTTestResult;
  readonly randomization: RandomizationTestResult;
}

/**
 * Compares two evaluations of the same queries on one metric with a paired t-test and a paired
 * randomisation test. Both must cover the same queries (evaluate both runs with the same qrels).
 */
export function compareEvaluations(
  baseline: RunEvaluation,
  candidate: RunEvaluation,
  metric: string,
  options: RandomizationTestOptions = {},
): RunComparison {
  const queryIds = [...baseline.perQuery.keys()];
  const missing = queryIds.filter((queryId) => !candidate.perQuery.has(queryId));
  if (missing.length > 0 || candidate.perQuery.size !== queryIds.length) {
    throw new HybridRagError(
      "invalid-argument",
      `The two evaluations cover different queries (${baseline.perQuery.size} vs ${candidate.perQuery.size}${missing.length > 0 ? `, e.g. "${missing[0]}" only in the baseline` : ""}); evaluate both runs against the same qrels with the same averageOver.`,
    );
  }
  const valuesOf = (evaluation: RunEvaluation) =>
    queryIds.map((queryId) => {
      const value = evaluation.perQuery.get(queryId)?.[metric];
      if (value === undefined) {
        throw new HybridRagError(
          "invalid-argument",
          `Metric "${metric}" was not computed; evaluate both runs with it (have: ${evaluation.metrics.join(", ")}).`,
        );
      }
      return value;
    });
  const a = valuesOf(baseline);
  const b = valuesOf(candidate);
  const tTest = pairedTTest(a, b);
  return {
    metric,
    queryCount: queryIds.length,
    baselineMean: baseline.mean[metric] ?? 0,
    candidateMean: candidate.mean[metric] ?? 0,
    difference: tTest.meanDifference,
    tTest,
    randomization: randomizationTest(a, b, options),
  };
}
