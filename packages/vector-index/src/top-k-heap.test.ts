import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TopKHeap } from "./top-k-heap.ts";

describe("TopKHeap", () => {
  it("keeps the k best scores, ties to the smaller slot, best first", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        (scores, k) => {
          const heap = new TopKHeap(Math.max(1, Math.min(k, scores.length)), (a, b) => a < b);
          scores.forEach((score, slot) => {
            heap.offer(score, slot);
          });
          const expected = scores
            .map((score, slot) => ({ score, slot }))
            .sort((a, b) => b.score - a.score || a.slot - b.slot)
            .slice(0, k);
          expect(heap.takeSorted()).toEqual(expected);
        },
      ),
    );
  });
});
