import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateRun } from "./evaluate-run.ts";
import type { Qrels, Run, RunEntry } from "./types.ts";

// An independent, deliberately naive reading of the trec_eval definitions: ties are broken with
// Buffer.compare on UTF-8 bytes (what trec_eval's strcmp does), every metric is recomputed from
// the list of relevant ranks.
function referenceMetrics(entries: readonly RunEntry[], grades: Map<string, number>, k: number) {
  const ordered = [...entries].sort((left, right) => {
    if (left.score !== right.score) return left.score > right.score ? -1 : 1;
    return Buffer.compare(Buffer.from(right.docId), Buffer.from(left.docId));
  });
  const top = ordered.slice(0, k);
  const relevantTotal = [...grades.values()].filter((grade) => grade > 0).length;
  const relevantRanks = top.flatMap((entry, index) =>
    (grades.get(entry.docId) ?? 0) > 0 ? [index + 1] : [],
  );
  const dcg = top.reduce(
    (sum, entry, index) => sum + Math.max(grades.get(entry.docId) ?? 0, 0) / Math.log2(index + 2),
    0,
  );
  const ideal = [...grades.values()]
    .filter((grade) => grade > 0)
    .sort((left, right) => right - left)
    .slice(0, k)
    .reduce((sum, grade, index) => sum + grade / Math.log2(index + 2), 0);
  return {
    recall: relevantTotal ? relevantRanks.length / relevantTotal : 0,
    precision: relevantRanks.length / k,
    ndcg: ideal ? dcg / ideal : 0,
    mrr: relevantRanks.length ? 1 / (relevantRanks[0] ?? 1) : 0,
    map: relevantTotal
      ? relevantRanks.reduce((sum, rank, index) => sum + (index + 1) / rank, 0) / relevantTotal
      : 0,
    recallCap: relevantTotal ? relevantRanks.length / Math.min(k, relevantTotal) : 0,
    hitRate: relevantRanks.length ? 1 : 0,
  };
}

const docIds = fc.constantFrom("a", "b", "c", "d", "e", "f", "é", "\u{1F600}", "\uFFFD", "10", "9");
// Few distinct scores so that ties are common.
const entries = fc.uniqueArray(
  fc.record({ docId: docIds, score: fc.constantFrom(0, 0.5, 1, 2, -1) }),
  { selector: (entry) => entry.docId, maxLength: 11 },
);
const grades = fc.uniqueArray(fc.tuple(docIds, fc.integer({ min: -1, max: 3 })), {
  selector: ([docId]) => docId,
  maxLength: 11,
});

describe("evaluateRun against an independent reference", () => {
  it("agrees on every metric for random runs with ties and graded judgements", () => {
    fc.assert(
      fc.property(entries, grades, fc.integer({ min: 1, max: 12 }), (runEntries, judged, k) => {
        const gradeMap = new Map(judged);
        const run: Run = new Map([["q", runEntries]]);
        const qrels: Qrels = new Map([["q", gradeMap]]);
        const names = ["recall", "precision", "ndcg", "mrr", "map", "recall_cap", "hit_rate"].map(
          (name) => `${name}@${k}`,
        );
        const actual = evaluateRun(run, qrels, names).mean;
        const expected = referenceMetrics(runEntries, gradeMap, k);
        expect(actual[`recall@${k}`]).toBeCloseTo(expected.recall, 12);
        expect(actual[`precision@${k}`]).toBeCloseTo(expected.precision, 12);
        expect(actual[`ndcg@${k}`]).toBeCloseTo(expected.ndcg, 12);
        expect(actual[`mrr@${k}`]).toBeCloseTo(expected.mrr, 12);
        expect(actual[`map@${k}`]).toBeCloseTo(expected.map, 12);
        expect(actual[`recall_cap@${k}`]).toBeCloseTo(expected.recallCap, 12);
        expect(actual[`hit_rate@${k}`]).toBe(expected.hitRate);
      }),
      { numRuns: 500 },
    );
  });
});
