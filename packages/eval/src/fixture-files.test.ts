import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateRun } from "./evaluate-run.ts";
import { readQrels } from "./qrels-io.ts";
import { readTrecRun } from "./trec-run-io.ts";

const fixtures = join(import.meta.dirname, "__fixtures__");
const log2 = Math.log2;

// Worked by hand from __fixtures__/hand.run and hand.qrels, as trec_eval -c would score them.
// q1: d1 and d3 tie at 2: d3 (larger id) ranks first, so the order is d5 d3 d1 d2 d4, gains
//     0 0 1 2 1; three relevant (d1 = 1, d2 = 2, d4 = 1).
// q2: judged, absent from the run: 0 everywhere. q3: only a grade-0 judgement: 0 everywhere.
// q4: in the run, not judged: not evaluated.
// q5: a and b tie at 0.9 (b first, being larger), then c: gains 1 0 3 with ideal 3 1.
const expected: Record<string, Record<string, number>> = {
  q1: {
    "recall@3": 1 / 3,
    "ndcg@5": (1 / log2(4) + 2 / log2(5) + 1 / log2(6)) / (2 + 1 / log2(3) + 1 / log2(4)),
    mrr: 1 / 3,
    "map@5": (1 / 3 + 2 / 4 + 3 / 5) / 3,
    "precision@5": 3 / 5,
  },
  q5: {
    "recall@3": 1,
    "ndcg@5": (1 + 3 / log2(4)) / (3 + 1 / log2(3)),
    mrr: 1,
    "map@5": (1 / 1 + 2 / 3) / 2,
    "precision@5": 2 / 5,
  },
};

describe("metrics on fixed TREC files", () => {
  it("match the hand-worked values per query and in the mean over the four judged queries", async () => {
    const run = await readTrecRun(join(fixtures, "hand.run"));
    const qrels = await readQrels(join(fixtures, "hand.qrels"));
    const metrics = Object.keys(expected.q1 ?? {});
    const result = evaluateRun(run, qrels, metrics);
    expect([...result.perQuery.keys()]).toEqual(["q1", "q2", "q3", "q5"]);
    expect(result.missingQueries).toEqual(["q2"]);
    expect(result.unjudgedQueries).toEqual(["q4"]);
    for (const metric of metrics) {
      for (const queryId of ["q1", "q5"]) {
        expect(result.perQuery.get(queryId)?.[metric], `${queryId} ${metric}`).toBeCloseTo(
          expected[queryId]?.[metric] ?? NaN,
          12,
        );
      }
      expect(result.perQuery.get("q2")?.[metric]).toBe(0);
      expect(result.perQuery.get("q3")?.[metric]).toBe(0);
      const mean = ((expected.q1?.[metric] ?? NaN) + (expected.q5?.[metric] ?? NaN)) / 4;
      expect(result.mean[metric], metric).toBeCloseTo(mean, 12);
    }
  });
});
