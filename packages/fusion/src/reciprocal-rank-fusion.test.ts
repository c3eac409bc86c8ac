import type { Hit } from "@hybrid-rag/core";
import { rankedList } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { denseExample, sparseExample } from "./lists.test.helper.ts";
import {
  elasticsearchReciprocalRankFusion,
  qdrantReciprocalRankFusion,
  reciprocalRankFusion,
} from "./reciprocal-rank-fusion.ts";

const sparse = sparseExample;
const dense = denseExample;

const scores = (hits: Hit[]) => hits.map((hit) => [hit.id, hit.score]);

describe("reciprocalRankFusion (paper: Σ w / (k + rank), 1-based)", () => {
  it("computes the hand-worked example with k = 60", () => {
    const hits = reciprocalRankFusion().fuse([sparse, dense]);
    // a: 1/61 + 1/63 and c: 1/63 + 1/61 tie; both have a best rank of 1, so "a" < "c" decides.
    // b and d both score 1/62 with best rank 2: "b" < "d".
    expect(scores(hits)).toEqual([
      ["a", 1 / 63 + 1 / 61],
      ["c", 1 / 61 + 1 / 63],
      ["b", 1 / 62],
      ["d", 1 / 62],
    ]);
    expect(hits[0]!.sources).toEqual({
      dense: { status: "found", rank: 3, score: 0.42, contribution: 1 / 63 },
      sparse: { status: "found", rank: 1, score: 12.5, contribution: 1 / 61 },
    });
    expect(hits[0]!.fusion).toEqual({ method: "rrf", score: hits[0]!.score });
  });

  it("applies per-source weights and k", () => {
    const hits = reciprocalRankFusion({ k: 1, weights: { dense: 3 } }).fuse([sparse, dense]);
    // c: 3/(1+1) + 1/(1+3) = 1.75; d: 3/3 = 1; a: 3/4 + 1/2 = 1.25; b: 1/3.
    expect(scores(hits)).toEqual([
      ["c", 1.75],
      ["a", 1.25],
      ["d", 1],
      ["b", 1 / 3],
    ]);
  });

  it("uses only the first rankWindow hits of each list", () => {
    const hits = reciprocalRankFusion({ rankWindow: 1 }).fuse([sparse, dense]);
    expect(scores(hits)).toEqual([
      ["a", 1 / 61],
      ["c", 1 / 61],
    ]);
    expect(hits[0]!.sources.dense).toEqual({ status: "absent" });
  });

  it("rejects k ≤ 0, NaN and negative weights, and unknown options", () => {
    for (const options of [
      { k: 0 },
      { k: -5 },
      { k: Number.NaN },
      { weights: { dense: -1 } },
      { weights: { dense: Number.NaN } },
      { weights: { dense: Number.POSITIVE_INFINITY } },
      { rankWindow: 0 },
      { kk: 60 },
      { flavour: "weaviate" },
      { flavour: "qdrant", k: 1.5 },
    ]) {
      expect(() => reciprocalRankFusion(options as never), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: "invalid-argument" }),
      );
    }
    expect(() => reciprocalRankFusion({ k: 0 })).toThrow(/k: k must be greater than 0/);
  });
});

describe("Qdrant's RRF: Σ 1 / ((position + 1) / w + k − 1), 0-based, f32", () => {
  it("reproduces Qdrant's own rrf_scoring test (k = 2)", () => {
    // lib/segment/src/common/reciprocal_rank_fusion.rs, test_rrf_scoring.
    const lists = [
      rankedList("a", [
        ["2", 0.9],
        ["1", 0.8],
      ]),
      rankedList("b", [
        ["1", 0.7],
        ["2", 0.6],
        ["3", 0.5],
      ]),
      rankedList("c", [
        ["5", 0.9],
        ["3", 0.5],
        ["1", 0.4],
      ]),
    ];
    const hits = qdrantReciprocalRankFusion().fuse(lists);
    expect(scores(hits)).toEqual([
      ["1", Math.fround(1.0833334)],
      ["2", Math.fround(0.8333334)],
      ["3", Math.fround(0.5833334)],
      ["5", 0.5],
    ]);
    expect(hits[0]!.fusion?.method).toBe("rrf:qdrant");
  });

  it("stretches positions by the weight (3:1 favours the second document)", () => {
    const lists = [
      rankedList("first", [
        ["1", 0.9],
        ["2", 0.8],
      ]),
      rankedList("second", [
        ["2", 0.9],
        ["1", 0.8],
      ]),
    ];
    const hits = qdrantReciprocalRankFusion({ weights: { first: 3 } }).fuse(lists);
    // 2: 1/(2/3 + 1) + 1/(1 + 1) = 1.1; 1: 1/(1/3 + 1) + 1/(2 + 1) = 1.0833…
    expect(hits.map((hit) => hit.id)).toEqual(["2", "1"]);
    const f = Math.fround;
    expect(hits[0]!.score).toBe(f(f(1 / f(f(f(2 / 3) + 2) - 1)) + 0.5));
    // A weight of 0 contributes nothing, as in Qdrant.
    const zero = qdrantReciprocalRankFusion({ weights: { second: 0 } }).fuse(lists);
    expect(scores(zero)).toEqual([
      ["1", 0.5],
      ["2", Math.fround(1 / 3)],
    ]);
  });

  it("ranks like the paper formula when Qdrant k = paper k + 1", () => {
    const paper = reciprocalRankFusion({ k: 60 }).fuse([sparse, dense]);
    const qdrant = reciprocalRankFusion({ flavour: "qdrant", k: 61 }).fuse([sparse, dense]);
    expect(qdrant.map((hit) => hit.id)).toEqual(paper.map((hit) => hit.id));
    for (const [index, hit] of qdrant.entries()) {
      expect(hit.score).toBeCloseTo(paper[index]!.score, 6);
    }
  });
});

describe("Elasticsearch's rrf retriever: Σ weight · 1 / (rank_constant + rank), Java float", () => {
  it("reproduces the documented formula with weights and rank_window_size", () => {
    const bm25 = rankedList(
      "bm25",
      Array.from({ length: 12 }, (_, index) => [`doc${index + 1}`, 20 - index] as [string, number]),
    );
    const knn = rankedList("knn", [
      ["doc12", 0.9],
      ["doc1", 0.8],
    ]);
    const fusion = elasticsearchReciprocalRankFusion({
      rankConstant: 20,
      rankWindowSize: 10,
      weights: { knn: 2 },
    });
    const hits = fusion.fuse([bm25, knn]);
    const f = Math.fround;
    // doc1: bm25 rank 1 + knn rank 2 (weight 2); float additions in source order.
    expect(hits[0]!.id).toBe("doc1");
    expect(hits[0]!.score).toBe(f(f(1 / 21) + f(2 * f(1 / 22))));
    // doc12 is outside bm25's window of 10, so only knn rank 1 counts.
    const doc12 = hits[1]!;
    expect(doc12.id).toBe("doc12");
    expect(doc12.score).toBe(f(2 * f(1 / 21)));
    expect(doc12.sources.bm25).toEqual({ status: "absent" });
    expect(hits.some((hit) => hit.id === "doc11")).toBe(false);
    // Like Elasticsearch, at most rank_window_size fused hits are kept (doc10 drops out).
    expect(hits).toHaveLength(10);
    expect(hits.at(-1)!.id).toBe("doc9");
  });

  it("defaults to rank_constant 60 and rank_window_size 10", () => {
    const long = rankedList(
      "only",
      Array.from({ length: 15 }, (_, index) => [`d${index}`, 15 - index] as [string, number]),
    );
    const hits = elasticsearchReciprocalRankFusion().fuse([long]);
    expect(hits).toHaveLength(10);
    expect(hits[0]!.score).toBe(Math.fround(1 / 61));
  });
});
