import { describe, expect, it } from "vitest";
import type { Fusion } from "../fusion.ts";
import type { Hit, RankedList } from "../hit.ts";
import { expectWellFormedRanking } from "./expect-ranked.ts";

export interface FusionContractOptions {
  readonly create: () => Fusion;
  readonly name?: string;
}

/** Builds a ranked list from ids and scores (best first), as a retriever would return it. */
export function rankedList(source: string, entries: ReadonlyArray<[string, number]>): RankedList {
  const hits: Hit[] = entries.map(([id, score], index) => ({
    id,
    score,
    rank: index + 1,
    document: { id, text: `text of ${id} from ${source}` },
    sources: { [source]: { status: "found", rank: index + 1, score } },
  }));
  return { source, hits };
}

/** The behaviour every Fusion must have, whatever its formula. */
export function runFusionContract(options: FusionContractOptions): void {
  const sparse = rankedList("sparse", [
    ["a", 12.5],
    ["b", 9.1],
    ["c", 3.3],
  ]);
  const dense = rankedList("dense", [
    ["c", 0.91],
    ["d", 0.8],
    ["a", 0.42],
  ]);

  describe(`Fusion contract${options.name ? `: ${options.name}` : ""}`, () => {
    it("returns the union of the inputs, well ranked", () => {
      const hits = options.create().fuse([sparse, dense]);
      expect(hits.map((hit) => hit.id).sort()).toEqual(["a", "b", "c", "d"]);
      expectWellFormedRanking(hits);
    });

    it("records evidence for every source on every hit", () => {
      const fusion = options.create();
      const hits = fusion.fuse([sparse, dense]);
      const b = hits.find((hit) => hit.id === "b")!;
      expect(b.sources.sparse).toMatchObject({ status: "found", rank: 2, score: 9.1 });
      expect(b.sources.dense).toEqual({ status: "absent" });
      const a = hits.find((hit) => hit.id === "a")!;
      expect(a.sources.dense).toMatchObject({ status: "found", rank: 3, score: 0.42 });
      for (const hit of hits) expect(hit.fusion?.score).toBe(hit.score);
    });

    it("keeps the document payload", () => {
      const hits = options.create().fuse([sparse, dense]);
      for (const hit of hits) expect(hit.document?.id).toBe(hit.id);
    });

    it("handles no lists, empty lists and a single hit", () => {
      const fusion = options.create();
      expect(fusion.fuse([])).toEqual([]);
      expect(fusion.fuse([rankedList("sparse", []), rankedList("dense", [])])).toEqual([]);
      const single = fusion.fuse([rankedList("sparse", [["only", 1]]), rankedList("dense", [])]);
      expect(single.map((hit) => hit.id)).toEqual(["only"]);
      expectWellFormedRanking(single);
    });

    it("respects topK and is deterministic", () => {
      const fusion = options.create();
      const all = fusion.fuse([sparse, dense]);
      const top2 = fusion.fuse([sparse, dense], { topK: 2 });
      expect(top2.map((hit) => hit.id)).toEqual(all.slice(0, 2).map((hit) => hit.id));
      expect(fusion.fuse([sparse, dense])).toEqual(all);
    });

    it("does not depend on the order of the input lists", () => {
      const fusion = options.create();
      const forward = fusion.fuse([sparse, dense]).map((hit) => [hit.id, hit.score]);
      const backward = fusion.fuse([dense, sparse]).map((hit) => [hit.id, hit.score]);
      expect(backward).toEqual(forward);
    });
  });
}
