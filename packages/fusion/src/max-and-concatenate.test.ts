import { describe, expect, it } from "vitest";
import { concatenateFusion } from "./concatenate-fusion.ts";
import { denseExample, sparseExample } from "./lists.test.helper.ts";
import { maxScoreFusion } from "./max-score-fusion.ts";

const sparse = sparseExample;
const dense = denseExample;

describe("maxScoreFusion: the best weight × normalised score any source gave", () => {
  it("takes the maximum of min-max scores", () => {
    const hits = maxScoreFusion().fuse([sparse, dense]);
    // a: max(1, 0) = 1; c: max(0, 1) = 1; d: 0.38 / 0.49; b: 5.8 / 9.2.
    expect(hits.map((hit) => hit.id)).toEqual(["a", "c", "d", "b"]);
    expect(hits[2]!.score).toBeCloseTo(0.38 / 0.49, 12);
  });

  it("applies weights before taking the maximum", () => {
    const hits = maxScoreFusion({ weights: { sparse: 0.5 } }).fuse([sparse, dense]);
    expect(hits.map((hit) => [hit.id, hit.score])).toEqual([
      ["c", 1],
      ["d", expect.closeTo(0.38 / 0.49, 12)],
      ["a", 0.5],
      ["b", expect.closeTo((0.5 * 5.8) / 9.2, 12)],
    ]);
  });
});

describe("concatenateFusion: one source's hits, then the next source's new ones", () => {
  it("concatenates in sourceOrder", () => {
    const hits = concatenateFusion({ sourceOrder: ["sparse", "dense"] }).fuse([dense, sparse]);
    expect(hits.map((hit) => [hit.id, hit.score])).toEqual([
      ["a", 2],
      ["b", 1.5],
      ["c", 1 + 1 / 3],
      ["d", 0.5],
    ]);
  });

  it("defaults to code-point order of source names", () => {
    const hits = concatenateFusion().fuse([sparse, dense]);
    expect(hits.map((hit) => hit.id)).toEqual(["c", "d", "a", "b"]);
  });

  it("rejects unknown names in sourceOrder", () => {
    expect(() => concatenateFusion({ sourceOrder: ["bm25"] }).fuse([sparse, dense])).toThrow(
      /sourceOrder name unknown source "bm25"; the lists come from "dense", "sparse"/,
    );
  });
});
