import { type Hit, HybridRagError, type RankedList } from "@hybrid-rag/core";
import { rankedList } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { everyFusion } from "./all-methods.test.helper.ts";
import { linearFusion } from "./linear-fusion.ts";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.ts";

const sparse = rankedList("sparse", [
  ["a", 12.5],
  ["b", 9.1],
]);
const failed: RankedList = { source: "dense", hits: [], error: new Error("qdrant unreachable") };

function caught(run: () => unknown): HybridRagError {
  try {
    run();
  } catch (error) {
    if (HybridRagError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a HybridRagError");
}

describe.each(everyFusion)("$label: edge cases", ({ create, weighted }) => {
  it("marks a failed source on every hit and lets it contribute nothing", () => {
    const hits = create().fuse([sparse, failed]);
    expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
    for (const hit of hits) {
      expect(hit.sources.dense).toEqual({ status: "failed", reason: "qdrant unreachable" });
    }
    expect(hits.map((hit) => hit.score)).toEqual(
      create()
        .fuse([sparse])
        .map((hit) => hit.score),
    );
  });

  it("handles one list, one hit and all-equal scores", () => {
    const flat = rankedList("sparse", [
      ["x", 1],
      ["y", 1],
      ["z", 1],
    ]);
    const hits = create().fuse([flat]);
    expect(hits.map((hit) => hit.id)).toEqual(["x", "y", "z"]);
    for (const hit of hits) expect(Number.isFinite(hit.score)).toBe(true);
    const one = create().fuse([rankedList("sparse", [["only", 3]])]);
    expect(one).toHaveLength(1);
    expect(Number.isFinite(one[0]!.score)).toBe(true);
  });

  it("keeps the best-ranked copy of an id that a list repeats", () => {
    const repeated: RankedList = {
      source: "sparse",
      hits: [
        { id: "a", score: 3, rank: 1, document: { id: "a", text: "first" }, sources: {} },
        { id: "b", score: 2, rank: 2, sources: {} },
        { id: "a", score: 1, rank: 3, document: { id: "a", text: "second" }, sources: {} },
      ],
    };
    const hits = create().fuse([repeated]);
    expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
    expect(hits[0]!.document?.text).toBe("first");
    expect(hits[0]!.sources.sparse).toMatchObject({ status: "found", rank: 1, score: 3 });
    expect(hits[1]!.sources.sparse).toMatchObject({ status: "found", rank: 2, score: 2 });
  });

  it("rejects non-finite scores, missing ids and duplicate sources", () => {
    const bad = (hits: Partial<Hit>[]): RankedList => ({
      source: "sparse",
      hits: hits as Hit[],
    });
    expect(
      caught(() => create().fuse([bad([{ id: "a", score: Number.NaN, rank: 1, sources: {} }])]))
        .message,
    ).toMatch(/hit "a" of source "sparse" has score NaN/);
    expect(caught(() => create().fuse([bad([{ score: 1, rank: 1, sources: {} }])])).code).toBe(
      "invalid-argument",
    );
    expect(caught(() => create().fuse([sparse, sparse])).message).toMatch(
      /two lists come from source "sparse"/,
    );
    expect(caught(() => create().fuse([sparse], { topK: 0 })).code).toBe("invalid-argument");
  });

  it.skipIf(!weighted)("names unknown sources in weights, and the known ones", () => {
    const error = caught(() => create({ dnese: 2 }).fuse([sparse, failed]));
    expect(error.code).toBe("invalid-argument");
    expect(error.message).toMatch(/unknown source "dnese"; the lists come from "dense", "sparse"/);
  });

  it("returns the union of partly overlapping lists", () => {
    const dense = rankedList("dense", [
      ["b", 0.9],
      ["c", 0.5],
    ]);
    const fusion = create();
    const all = fusion.fuse([sparse, dense]);
    expect(all.map((hit) => hit.id).sort()).toEqual(["a", "b", "c"]);
  });
});

describe("minSources", () => {
  it("drops hits returned by fewer sources", () => {
    const dense = rankedList("dense", [
      ["b", 0.9],
      ["c", 0.5],
    ]);
    const hits = reciprocalRankFusion({ minSources: 2 }).fuse([sparse, dense]);
    expect(hits.map((hit) => [hit.id, hit.rank])).toEqual([["b", 1]]);
    expect(linearFusion({ minSources: 3 }).fuse([sparse, dense])).toEqual([]);
  });
});

describe("payload and provenance", () => {
  it("takes the document from the best-ranked copy and never keys on text", () => {
    const one: RankedList = {
      source: "one",
      hits: [
        { id: "x", score: 5, rank: 1, sources: {} },
        { id: "y", score: 4, rank: 2, document: { id: "y", text: "same text" }, sources: {} },
      ],
    };
    const two: RankedList = {
      source: "two",
      hits: [
        { id: "y", score: 0.9, rank: 1, document: { id: "y", text: "from two" }, sources: {} },
        { id: "z", score: 0.8, rank: 2, document: { id: "z", text: "same text" }, sources: {} },
        { id: "x", score: 0.7, rank: 3, document: { id: "x", text: "x text" }, sources: {} },
      ],
    };
    const hits = reciprocalRankFusion().fuse([one, two]);
    const byId = Object.fromEntries(hits.map((hit) => [hit.id, hit]));
    expect(byId.y!.document?.text).toBe("from two");
    // The best-ranked copy of x has no document, so the next copy's document is used.
    expect(byId.x!.document?.text).toBe("x text");
    // Same text, different ids: two hits.
    expect(hits).toHaveLength(3);
  });
});
