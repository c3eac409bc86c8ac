import { describe, expect, it } from "vitest";
import { compareEvaluations } from "./compare-evaluations.ts";
import { evaluateRun } from "./evaluate-run.ts";
import { pairedTTest } from "./paired-t-test.ts";
import { randomizationTest } from "./randomization-test.ts";
import { regularizedIncompleteBeta, studentTwoSidedPValue } from "./student-t.ts";
import type { Qrels, Run } from "./types.ts";

describe("Student t distribution", () => {
  it("matches printed critical values (two-sided 5% and 1%)", () => {
    expect(studentTwoSidedPValue(2.228138851986, 10)).toBeCloseTo(0.05, 9);
    expect(studentTwoSidedPValue(12.7062047361747, 1)).toBeCloseTo(0.05, 9);
    expect(studentTwoSidedPValue(2.576, 1e6)).toBeCloseTo(0.01, 4); // → normal
    expect(studentTwoSidedPValue(3.16927267261695, 10)).toBeCloseTo(0.01, 9);
    expect(studentTwoSidedPValue(0, 5)).toBe(1);
  });

  it("has I_x(1, 1) = x and I_x(a, b) = 1 − I_(1−x)(b, a)", () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedIncompleteBeta(0.2, 2.5, 4)).toBeCloseTo(
      1 - regularizedIncompleteBeta(0.8, 4, 2.5),
      12,
    );
  });
});

describe("paired tests", () => {
  // Differences 1, 2, 3, 4, 5 − mean 3, sd √2.5: t = 3 / (√2.5 / √5) = 3√2 ≈ 4.2426, df 4.
  const a = [0.1, 0.2, 0.3, 0.4, 0.5];
  const b = a.map((value, index) => value + index + 1);

  it("computes t, the degrees of freedom and the p-value (scipy ttest_rel: p = 0.013236)", () => {
    const result = pairedTTest(a, b);
    expect(result.meanDifference).toBeCloseTo(3, 12);
    expect(result.t).toBeCloseTo(3 * Math.SQRT2, 10);
    expect(result.degreesOfFreedom).toBe(4);
    expect(result.pValue).toBeCloseTo(0.013236, 5);
    expect(pairedTTest(a, a).pValue).toBe(1);
  });

  it("randomisation: reproducible with a seed, exact for all-same-sign differences", () => {
    // Of the 32 equally likely sign patterns only the two all-same-sign ones reach |sum| = 15.
    const result = randomizationTest(a, b, { trials: 20_000, seed: 7 });
    expect(result.pValue).toBeCloseTo(2 / 32, 2);
    expect(randomizationTest(a, b, { trials: 500, seed: 7 })).toEqual(
      randomizationTest(a, b, { trials: 500, seed: 7 }),
    );
    expect(randomizationTest(a, a, { trials: 100 }).pValue).toBe(1);
    expect(() => randomizationTest(a, b.slice(1))).toThrow(/same queries/);
    expect(() => randomizationTest(a, b, { trials: 0 })).toThrow(/trials/);
  });

  it("compares two evaluations query by query", () => {
    const qrels: Qrels = new Map(
      ["q1", "q2", "q3", "q4"].map((queryId) => [queryId, new Map([["good", 1]])]),
    );
    const weak: Run = new Map(
      [...qrels.keys()].map((queryId) => [
        queryId,
        [
          { docId: "bad", score: 2 },
          { docId: "good", score: 1 },
        ],
      ]),
    );
    const strong: Run = new Map(
      [...qrels.keys()].map((queryId) => [queryId, [{ docId: "good", score: 2 }]]),
    );
    const comparison = compareEvaluations(
      evaluateRun(weak, qrels, ["mrr"]),
      evaluateRun(strong, qrels, ["mrr"]),
      "mrr",
      { trials: 1000 },
    );
    expect(comparison).toMatchObject({
      queryCount: 4,
      baselineMean: 0.5,
      candidateMean: 1,
      difference: 0.5,
    });
    expect(comparison.tTest.pValue).toBe(0);
    expect(() =>
      compareEvaluations(
        evaluateRun(weak, qrels, ["mrr"]),
        evaluateRun(strong, qrels, ["mrr"]),
        "ndcg@10",
      ),
    ).toThrow(/not computed/);
  });
});
