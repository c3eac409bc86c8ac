import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { longestFirstLengths } from "./truncation.ts";

describe("longestFirstLengths", () => {
  it("keeps pairs that fit", () => {
    expect(longestFirstLengths(5, 10, 20)).toEqual([5, 10]);
  });

  it("cuts the longer segment first, keeping a short query whole", () => {
    expect(longestFirstLengths(6, 600, 509)).toEqual([6, 503]);
    expect(longestFirstLengths(600, 6, 509)).toEqual([503, 6]);
  });

  it("halves the budget when both segments are long", () => {
    expect(longestFirstLengths(400, 300, 101)).toEqual([51, 50]);
    expect(longestFirstLengths(300, 400, 101)).toEqual([50, 51]);
  });

  it("never exceeds the budget nor grows a segment", () => {
    fc.assert(
      fc.property(fc.nat(2000), fc.nat(2000), fc.integer({ min: 1, max: 1000 }), (a, b, budget) => {
        const [first, second] = longestFirstLengths(a, b, budget);
        expect(first + second).toBeLessThanOrEqual(Math.max(budget, 0) + 0);
        expect(first).toBeLessThanOrEqual(a);
        expect(second).toBeLessThanOrEqual(b);
        if (a + b <= budget) expect([first, second]).toEqual([a, b]);
        else expect(first + second).toBe(budget);
      }),
    );
  });
});
