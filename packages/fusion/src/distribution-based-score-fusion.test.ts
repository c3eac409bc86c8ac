import { rankedList } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { distributionBasedScoreFusion } from "./distribution-based-score-fusion.ts";
import { scoresById } from "./lists.test.helper.ts";

const byId = scoresById;

describe("distributionBasedScoreFusion (Qdrant's DBSF)", () => {
  it("maps scores through mean ± 3 sample σ", () => {
    // mean 0.5, sample variance (0.16 + 0 + 0.16) / 2 = 0.16, σ 0.4 → range [-0.7, 1.7].
    const list = rankedList("dense", [
      ["a", 0.9],
      ["b", 0.5],
      ["c", 0.1],
    ]);
    const scores = byId(distributionBasedScoreFusion().fuse([list]));
    expect(scores.a).toBeCloseTo(1.6 / 2.4, 12);
    expect(scores.b).toBeCloseTo(0.5, 12);
    expect(scores.c).toBeCloseTo(0.8 / 2.4, 12);
  });

  it("does not clamp outliers beyond 3σ", () => {
    const list = rankedList("sparse", [
      ["outlier", 100],
      ...Array.from({ length: 10 }, (_, index) => [`zero${index}`, 0] as [string, number]),
    ]);
    const hits = distributionBasedScoreFusion().fuse([list]);
    expect(hits[0]!.id).toBe("outlier");
    expect(hits[0]!.score).toBeGreaterThan(1);
  });

  it("gives 0.5 to a single hit and to a constant list", () => {
    const one = rankedList("one", [["x", 42]]);
    const flat = rankedList("flat", [
      ["y", 3],
      ["z", 3],
    ]);
    expect(byId(distributionBasedScoreFusion().fuse([one, flat]))).toEqual({
      x: 0.5,
      y: 0.5,
      z: 0.5,
    });
  });

  it("sums weighted normalised scores over lists", () => {
    const dense = rankedList("dense", [
      ["a", 0.9],
      ["b", 0.5],
      ["c", 0.1],
    ]);
    const sparse = rankedList("sparse", [["c", 7]]);
    const scores = byId(
      distributionBasedScoreFusion({ weights: { dense: 2 } }).fuse([dense, sparse]),
    );
    expect(scores.c).toBeCloseTo(2 * (0.8 / 2.4) + 0.5, 12);
    expect(scores.a).toBeCloseTo(2 * (1.6 / 2.4), 12);
  });

  it("computes in f32 like Qdrant when asked", () => {
    const list = rankedList("dense", [
      ["a", 0.9],
      ["b", 0.5],
      ["c", 0.1],
    ]);
    const hits = distributionBasedScoreFusion({ arithmetic: "float32" }).fuse([list]);
    for (const hit of hits) expect(Math.fround(hit.score)).toBe(hit.score);
    expect(hits[0]!.score).toBeCloseTo(1.6 / 2.4, 6);
  });
});
