import { describe, expect, it } from "vitest";
import { randomUnitVectors } from "./random-vectors.ts";

describe("randomUnitVectors", () => {
  it("is deterministic per seed and yields unit vectors", () => {
    const a = randomUnitVectors(5, 8, 42);
    expect(a).toEqual(randomUnitVectors(5, 8, 42));
    expect(a).not.toEqual(randomUnitVectors(5, 8, 43));
    for (let row = 0; row < 5; row++) {
      const norm = Math.hypot(...a.subarray(row * 8, row * 8 + 8));
      expect(norm).toBeCloseTo(1, 5);
    }
  });
});
