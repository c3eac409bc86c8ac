import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenBudgetBatches } from "./token-budget-batches.ts";

describe("tokenBudgetBatches", () => {
  it("groups items of similar length, longest first", () => {
    expect(tokenBudgetBatches([10, 200, 12, 190, 11], 400)).toEqual([
      [1, 3],
      [2, 4, 0],
    ]);
  });

  it("respects the item cap", () => {
    expect(tokenBudgetBatches([1, 1, 1, 1, 1], 1000, 2)).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("puts an item longer than the budget alone", () => {
    expect(tokenBudgetBatches([900, 5], 100)).toEqual([[0], [1]]);
  });

  it("covers every index once and keeps each padded batch within budget", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 512 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 1, max: 64 }),
        (lengths, budget, maxItems) => {
          const batches = tokenBudgetBatches(lengths, budget, maxItems);
          expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, index) => index));
          for (const batch of batches) {
            expect(batch.length).toBeLessThanOrEqual(maxItems);
            const padded = batch.length * Math.max(...batch.map((index) => lengths[index]!));
            if (batch.length > 1) expect(padded).toBeLessThanOrEqual(budget);
          }
        },
      ),
    );
  });
});
