import { expect } from "vitest";
import type { Hit } from "../hit.ts";

/** Asserts the invariants of any ranked list: descending scores, ranks 1..n, unique ids. */
export function expectWellFormedRanking(hits: readonly Hit[]): void {
  hits.forEach((hit, index) => {
    expect(hit.rank, `rank of hit ${index}`).toBe(index + 1);
    expect(Number.isFinite(hit.score), `score of ${hit.id} is finite`).toBe(true);
    if (index > 0) {
      expect(hit.score, `scores must not increase (at rank ${index + 1})`).toBeLessThanOrEqual(
        hits[index - 1]!.score,
      );
    }
  });
  expect(new Set(hits.map((hit) => hit.id)).size, "ids are unique").toBe(hits.length);
}
