import type { Hit, RankedList } from "@hybrid-rag/core";
import { rankedList } from "@hybrid-rag/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { everyFusion } from "./all-methods.test.helper.ts";
import { linearFusion } from "./linear-fusion.ts";
import { reciprocalRankFusion } from "./reciprocal-rank-fusion.ts";

const sourceNames = ["bm25", "dense", "splade"] as const;

/** One ranked list: distinct ids from a small alphabet (so lists overlap), scores descending. */
function listArbitrary(source: string): fc.Arbitrary<RankedList> {
  return fc.uniqueArray(fc.constantFrom(..."abcdefghij"), { maxLength: 8 }).chain((ids) =>
    fc
      .array(fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }), {
        minLength: ids.length,
        maxLength: ids.length,
      })
      .map((scores) => {
        const sorted = [...scores].sort((a, b) => b - a);
        return rankedList(
          source,
          ids.map((id, index) => [id, sorted[index]!] as [string, number]),
        );
      }),
  );
}

const listsArbitrary: fc.Arbitrary<RankedList[]> = fc
  .subarray([...sourceNames], { minLength: 1 })
  .chain((names) => fc.tuple(...names.map(listArbitrary)));

const ids = (hits: Hit[]) => hits.map((hit) => hit.id);
const idsAndScores = (hits: Hit[]) => hits.map((hit) => [hit.id, hit.score]);

describe.each(everyFusion)("$label: invariants", ({ create, weighted }) => {
  it("returns a permutation of the union of the inputs", () => {
    fc.assert(
      fc.property(listsArbitrary, (lists) => {
        const hits = create().fuse(lists);
        const union = new Set(lists.flatMap((list) => list.hits.map((hit) => hit.id)));
        expect(ids(hits).sort()).toEqual([...union].sort());
        hits.forEach((hit, index) => {
          expect(hit.rank).toBe(index + 1);
          if (index > 0) expect(hit.score).toBeLessThanOrEqual(hits[index - 1]!.score);
        });
      }),
    );
  });

  it("is deterministic and does not depend on the order of the lists", () => {
    fc.assert(
      fc.property(listsArbitrary, fc.infiniteStream(fc.nat()), (lists, randoms) => {
        const fusion = create();
        const first = fusion.fuse(lists);
        expect(fusion.fuse(lists)).toEqual(first);
        const shuffled = [...lists].sort(() => (randoms.next().value % 3) - 1);
        expect(fusion.fuse(shuffled)).toEqual(first);
      }),
    );
  });

  it.skipIf(!weighted)("weight 0 removes a source's influence", () => {
    fc.assert(
      fc.property(listsArbitrary, fc.nat(), (lists, pick) => {
        const silenced = lists[pick % lists.length]!;
        const others = lists.filter((list) => list !== silenced);
        const weighted = create({ [silenced.source]: 0 }).fuse(lists);
        const without = create().fuse(others);
        const othersIds = new Set(others.flatMap((list) => list.hits.map((hit) => hit.id)));
        const kept = weighted.filter((hit) => othersIds.has(hit.id));
        expect(idsAndScores(kept)).toEqual(idsAndScores(without));
      }),
    );
  });
});

describe("reciprocal rank fusion", () => {
  it("is invariant to monotone transforms of any source's scores", () => {
    const transforms = [
      (score: number) => score * 1000 + 3,
      (score: number) => Math.exp(score / 10),
      (score: number) => Math.atan(score),
    ];
    fc.assert(
      fc.property(listsArbitrary, fc.constantFrom(...transforms), (lists, transform) => {
        const moved = lists.map((list) => ({
          ...list,
          hits: list.hits.map((hit) => ({ ...hit, score: transform(hit.score) })),
        }));
        for (const flavour of ["paper", "elasticsearch", "qdrant"] as const) {
          const fusion = reciprocalRankFusion({ flavour });
          expect(idsAndScores(fusion.fuse(moved))).toEqual(idsAndScores(fusion.fuse(lists)));
        }
      }),
    );
  });
});

describe("min-max normalisation", () => {
  it("keeps every normalised score within [0, 1]", () => {
    fc.assert(
      fc.property(listsArbitrary, (lists) => {
        for (const hit of linearFusion({ normalizer: "min-max" }).fuse(lists)) {
          for (const evidence of Object.values(hit.sources)) {
            if (evidence.status !== "found") continue;
            expect(evidence.normalizedScore).toBeGreaterThanOrEqual(0);
            expect(evidence.normalizedScore).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });
});
