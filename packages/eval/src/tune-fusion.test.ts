import type { Fusion, Hit, RankedList } from "@hybrid-rag/core";
import { describe, expect, it } from "vitest";
import { splitQrels } from "./split-qrels.ts";
import { tuneFusion } from "./tune-fusion.ts";
import type { Qrels } from "./types.ts";

// A stand-in fusion for the test: weighted sum of raw scores (the real ones live in @hybrid-rag/fusion).
function weightedSum(weights: readonly number[]): Fusion {
  return {
    name: "weighted-sum",
    fuse(lists: readonly RankedList[], options) {
      const scores = new Map<string, number>();
      lists.forEach((list, index) => {
        for (const hit of list.hits) {
          scores.set(hit.id, (scores.get(hit.id) ?? 0) + (weights[index] ?? 0) * hit.score);
        }
      });
      return [...scores]
        .sort((left, right) => right[1] - left[1])
        .slice(0, options?.topK)
        .map(([id, score], index): Hit => ({ id, score, rank: index + 1, sources: {} }));
    },
  };
}

const list = (source: string, ids: string[]): RankedList => ({
  source,
  hits: ids.map((id, index) => ({ id, score: ids.length - index, rank: index + 1, sources: {} })),
});

// The sparse list is right on every query, the dense one wrong: more sparse weight wins.
const queryIds = ["q1", "q2", "q3", "q4", "q5", "q6"];
const rankedLists = new Map(
  queryIds.map((queryId) => [
    queryId,
    [list("sparse", ["good", "x", "y"]), list("dense", ["y", "x", "good"])],
  ]),
);
const qrels: Qrels = new Map(queryIds.map((queryId) => [queryId, new Map([["good", 1]])]));

describe("tuneFusion", () => {
  it("finds the best setting and its gain over the baseline", () => {
    const candidates = [
      [0.5, 0.5],
      [0.9, 0.1],
      [0.1, 0.9],
    ];
    const result = tuneFusion({
      rankedLists,
      qrels,
      candidates,
      createFusion: weightedSum,
      metric: "mrr",
    });
    expect(result.best).toEqual({ config: [0.9, 0.1], score: 1 });
    expect(result.baseline.config).toEqual([0.5, 0.5]);
    expect(result.trials.map((trial) => trial.config)).toEqual([
      [0.9, 0.1],
      [0.5, 0.5],
      [0.1, 0.9],
    ]);
    expect(result.gain).toBeCloseTo(1 - result.baseline.score, 12);
    expect(result.significance?.queryCount).toBe(6);
  });

  it("scores the winner on held-out queries", () => {
    const { tune, heldOut } = splitQrels(qrels, { fraction: 0.5, seed: 3 });
    expect(tune.size + heldOut.size).toBe(6);
    expect([...tune.keys()].some((queryId) => heldOut.has(queryId))).toBe(false);
    expect(splitQrels(qrels, { seed: 3 })).toEqual({ tune, heldOut });
    const result = tuneFusion({
      rankedLists,
      qrels: tune,
      heldOutQrels: heldOut,
      candidates: [
        [0.1, 0.9],
        [1, 0],
      ],
      createFusion: weightedSum,
      metric: "mrr",
    });
    expect(result.heldOut).toMatchObject({ best: 1, baseline: 1 / 3 });
    expect(result.heldOut?.gain).toBeCloseTo(2 / 3, 12);
  });

  it("needs candidates", () => {
    expect(() =>
      tuneFusion({ rankedLists, qrels, candidates: [], createFusion: weightedSum }),
    ).toThrow(/at least one/);
  });
});
