import { describe, expect, it } from "vitest";
import { evaluateRun } from "./evaluate-run.ts";
import type { Qrels, Run } from "./types.ts";

const log2 = Math.log2;

// q1: three relevant documents (grades 1, 2, 1) and one judged non-relevant (grade 0).
// The run ties d1 and d3 at 2.0: trec_eval puts the larger id (d3) first, so the order is
// d5, d3, d1, d2, d4 with gains 0, 0, 1, 2, 1.
const qrels: Qrels = new Map([
  [
    "q1",
    new Map([
      ["d1", 1],
      ["d2", 2],
      ["d3", 0],
      ["d4", 1],
    ]),
  ],
  ["q2", new Map([["d9", 1]])], // not in the run
  ["q3", new Map([["d1", 0]])], // judged, nothing relevant
]);
const run: Run = new Map([
  [
    "q1",
    [
      { docId: "d1", score: 2 },
      { docId: "d2", score: 1 },
      { docId: "d3", score: 2 },
      { docId: "d4", score: 0.5 },
      { docId: "d5", score: 3 },
    ],
  ],
  ["q3", [{ docId: "d1", score: 1 }]],
  ["q4", [{ docId: "d1", score: 1 }]], // no judgements
]);

const idealDcg = 2 + 1 / log2(3) + 1 / log2(4);
const hand: Record<string, number> = {
  "recall@2": 0, // the tie rule puts d3 (not relevant) ahead of d1
  "recall@3": 1 / 3,
  "recall@5": 1,
  "precision@3": 1 / 3,
  "precision@10": 3 / 10, // divides by k even though only 5 were retrieved
  precision: 3 / 5,
  mrr: 1 / 3,
  "mrr@2": 0,
  "ndcg@3": 1 / log2(4) / idealDcg,
  "ndcg@5": (1 / log2(4) + 2 / log2(5) + 1 / log2(6)) / idealDcg,
  ndcg: (1 / log2(4) + 2 / log2(5) + 1 / log2(6)) / idealDcg,
  "map@3": 1 / 3 / 3,
  "map@5": (1 / 3 + 2 / 4 + 3 / 5) / 3,
  map: (1 / 3 + 2 / 4 + 3 / 5) / 3,
  "recall_cap@1": 0,
  "recall_cap@3": 1 / 3,
  "recall_cap@4": 2 / 3, // min(4, 3 relevant) = 3
  "hit_rate@2": 0,
  "hit_rate@3": 1,
};
const metricNames = Object.keys(hand);

describe("evaluateRun", () => {
  it("matches hand-computed values per query, with trec_eval's tie order", () => {
    const result = evaluateRun(run, qrels, metricNames);
    const q1 = result.perQuery.get("q1");
    for (const name of metricNames) expect(q1?.[name], name).toBeCloseTo(hand[name] ?? NaN, 12);
  });

  it("averages over every qrels query by default: a missing query and an all-zero one score 0", () => {
    const result = evaluateRun(run, qrels, metricNames);
    expect(result.queryCount).toBe(3);
    expect(result.missingQueries).toEqual(["q2"]);
    expect(result.unjudgedQueries).toEqual(["q4"]);
    for (const queryId of ["q2", "q3"]) {
      for (const name of metricNames) expect(result.perQuery.get(queryId)?.[name]).toBe(0);
    }
    for (const name of metricNames)
      expect(result.mean[name]).toBeCloseTo((hand[name] ?? NaN) / 3, 12);
  });

  it("averages over run ∩ qrels when asked (trec_eval without -c, pytrec_eval)", () => {
    const result = evaluateRun(run, qrels, ["recall@5"], { averageOver: "run-and-qrels" });
    expect(result.queryCount).toBe(2);
    expect(result.perQuery.has("q2")).toBe(false);
    expect(result.mean["recall@5"]).toBeCloseTo(1 / 2, 12);
  });

  it("orders ties by document id descending in code point order", () => {
    const tied: Run = new Map([
      [
        "q",
        [
          { docId: "a", score: 1 },
          { docId: "b", score: 1 },
          { docId: "\u{1F600}", score: 1 }, // astral: above U+FFFD in code point order
          { docId: "\uFFFD", score: 1 },
        ],
      ],
    ]);
    const judged = (docId: string): Qrels => new Map([["q", new Map([[docId, 1]])]]);
    expect(evaluateRun(tied, judged("\u{1F600}"), ["mrr"]).mean.mrr).toBe(1);
    expect(evaluateRun(tied, judged("\uFFFD"), ["mrr"]).mean.mrr).toBe(1 / 2);
    expect(evaluateRun(tied, judged("a"), ["mrr"]).mean.mrr).toBe(1 / 4);
  });

  it("drops documents whose id is the query id with ignoreIdenticalIds", () => {
    const selfRun: Run = new Map([
      [
        "d7",
        [
          { docId: "d7", score: 9 },
          { docId: "d8", score: 1 },
        ],
      ],
    ]);
    const selfQrels: Qrels = new Map([["d7", new Map([["d8", 1]])]]);
    expect(evaluateRun(selfRun, selfQrels, ["mrr"]).mean.mrr).toBe(1 / 2);
    expect(evaluateRun(selfRun, selfQrels, ["mrr"], { ignoreIdenticalIds: true }).mean.mrr).toBe(1);
  });

  it("uses the grade as gain: a grade-2 document first beats a grade-1 one", () => {
    const graded: Qrels = new Map([
      [
        "q",
        new Map([
          ["a", 1],
          ["b", 2],
        ]),
      ],
    ]);
    const bFirst: Run = new Map([
      [
        "q",
        [
          { docId: "b", score: 2 },
          { docId: "a", score: 1 },
        ],
      ],
    ]);
    const aFirst: Run = new Map([
      [
        "q",
        [
          { docId: "a", score: 2 },
          { docId: "b", score: 1 },
        ],
      ],
    ]);
    expect(evaluateRun(bFirst, graded, ["ndcg@2"]).mean["ndcg@2"]).toBeCloseTo(1, 12);
    expect(evaluateRun(aFirst, graded, ["ndcg@2"]).mean["ndcg@2"]).toBeCloseTo(
      (1 + 2 / log2(3)) / (2 + 1 / log2(3)),
      12,
    );
  });

  it("rejects unknown metrics, duplicate documents and non-finite scores", () => {
    expect(() => evaluateRun(run, qrels, ["ndcg@0"])).toThrow(/at least 1/);
    expect(() => evaluateRun(run, qrels, ["bleu"])).toThrow(/Unknown metric "bleu"/);
    expect(() => evaluateRun(run, qrels, [])).toThrow(/at least one metric/);
    const duplicate: Run = new Map([
      [
        "q1",
        [
          { docId: "d1", score: 1 },
          { docId: "d1", score: 0 },
        ],
      ],
    ]);
    expect(() => evaluateRun(duplicate, qrels, ["mrr"])).toThrow(/twice for query "q1"/);
    const notANumber: Run = new Map([["q1", [{ docId: "d1", score: Number.NaN }]]]);
    expect(() => evaluateRun(notANumber, qrels, ["mrr"])).toThrow(/finite/);
  });
});
