import { rankedList } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { linearFusion } from "./linear-fusion.ts";
import { denseExample, scoresById, sparseExample } from "./lists.test.helper.ts";

const sparse = sparseExample;
const dense = denseExample;

const byId = scoresById;

describe("linearFusion: Σ weight × normalised score, absent → 0", () => {
  it("min-max: (s − min) / (max − min), hand-worked with weights 0.3 / 0.7", () => {
    const hits = linearFusion({ normalizer: "min-max", weights: { sparse: 0.3, dense: 0.7 } }).fuse(
      [sparse, dense],
    );
    expect(hits.map((hit) => hit.id)).toEqual(["c", "d", "a", "b"]);
    const scores = byId(hits);
    expect(scores.c).toBeCloseTo(0.7, 12); // sparse 0, dense 1
    expect(scores.d).toBeCloseTo((0.7 * 0.38) / 0.49, 12);
    expect(scores.a).toBeCloseTo(0.3, 12); // sparse 1, dense 0
    expect(scores.b).toBeCloseTo((0.3 * 5.8) / 9.2, 12);
    expect(hits[1]!.sources.dense).toMatchObject({ status: "found", rank: 2, score: 0.8 });
    expect((hits[1]!.sources.dense as { normalizedScore: number }).normalizedScore).toBeCloseTo(
      0.38 / 0.49,
      12,
    );
    expect(hits[1]!.sources.sparse).toEqual({ status: "absent" });
  });

  it("min-max gives allEqualScore (default 1) to a list of equal scores or a single hit", () => {
    const flat = rankedList("flat", [
      ["x", 3],
      ["y", 3],
    ]);
    const one = rankedList("one", [["z", -7]]);
    expect(byId(linearFusion().fuse([flat, one]))).toEqual({ x: 1, y: 1, z: 1 });
    expect(byId(linearFusion({ allEqualScore: 0.5 }).fuse([flat]))).toEqual({ x: 0.5, y: 0.5 });
  });

  it("z-score: (s − mean) / population σ; a constant list gives 0", () => {
    const list = rankedList("s", [
      ["a", 3],
      ["b", 2],
      ["c", 1],
    ]);
    const scores = byId(linearFusion({ normalizer: "z-score" }).fuse([list]));
    expect(scores.a).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(scores.b).toBe(0);
    expect(scores.c).toBeCloseTo(-Math.sqrt(1.5), 12);
    const flat = rankedList("s", [
      ["a", 2],
      ["b", 2],
    ]);
    expect(byId(linearFusion({ normalizer: "z-score" }).fuse([flat]))).toEqual({ a: 0, b: 0 });
  });

  it("l2: s / √Σs²; a list of zeros stays 0", () => {
    const list = rankedList("s", [
      ["a", 4],
      ["b", 3],
    ]);
    expect(byId(linearFusion({ normalizer: "l2" }).fuse([list]))).toEqual({ a: 0.8, b: 0.6 });
    const zeros = rankedList("s", [["a", 0]]);
    expect(byId(linearFusion({ normalizer: "l2" }).fuse([zeros]))).toEqual({ a: 0 });
  });

  it("rank: (n − rank + 1) / n, whatever the scores", () => {
    const hits = linearFusion({ normalizer: "rank" }).fuse([sparse, dense]);
    // a: 3/3 + 1/3; c: 1/3 + 3/3; b: 2/3; d: 2/3 — ties fall to best rank, then id.
    expect(hits.map((hit) => [hit.id, hit.score])).toEqual([
      ["a", 1 / 3 + 1],
      ["c", 1 + 1 / 3],
      ["b", 2 / 3],
      ["d", 2 / 3],
    ]);
  });

  it("none: raw scores (only sensible when sources share a scale)", () => {
    const hits = linearFusion({ normalizer: "none" }).fuse([sparse, dense]);
    expect(byId(hits).a).toBeCloseTo(12.92, 12);
  });
});

describe("linearFusion, elasticsearch flavour (the linear retriever, Java floats)", () => {
  const f = Math.fround;

  it("minmax: |max − min| < 1e-6 gives 1.0", () => {
    const nearlyFlat = rankedList("s", [
      ["a", 0.5000001],
      ["b", 0.5],
    ]);
    const esHits = linearFusion({ flavour: "elasticsearch" }).fuse([nearlyFlat]);
    expect(byId(esHits)).toEqual({ a: 1, b: 1 });
    // The default flavour tells them apart.
    expect(byId(linearFusion().fuse([nearlyFlat]))).toEqual({ a: 1, b: 0 });
  });

  it("minmax keeps Elasticsearch's Float.MIN_VALUE starting maximum for negative scores", () => {
    const negative = rankedList("s", [
      ["a", -1],
      ["b", -2],
    ]);
    expect(byId(linearFusion({ flavour: "elasticsearch" }).fuse([negative]))).toEqual({
      a: 0.5,
      b: 0,
    });
  });

  it("weights and sums in float", () => {
    const hits = linearFusion({
      flavour: "elasticsearch",
      weights: { sparse: 0.3, dense: 0.7 },
    }).fuse([sparse, dense]);
    const d = f(f(f(0.8) - f(0.42)) / f(f(0.91) - f(0.42)));
    expect(byId(hits).d).toBe(f(f(0.7) * d));
    expect(byId(hits).c).toBe(f(f(f(0.7) * 1) + 0));
  });

  it("l2_norm divides by the norm in double and rounds to float", () => {
    const list = rankedList("s", [
      ["a", 4],
      ["b", 3],
    ]);
    expect(byId(linearFusion({ flavour: "elasticsearch", normalizer: "l2" }).fuse([list]))).toEqual(
      { a: f(0.8), b: f(0.6) },
    );
  });

  it("rejects normalisers Elasticsearch does not have", () => {
    expect(() => linearFusion({ flavour: "elasticsearch", normalizer: "z-score" })).toThrow(
      /supports the normalizers "min-max", "l2" and "none"/,
    );
    expect(() => linearFusion({ flavour: "elasticsearch", allEqualScore: 0 })).toThrow(
      expect.objectContaining({ code: "invalid-argument" }),
    );
  });
});
