import { describe, expect, it } from "vitest";
import { float16BitsToFloat32 } from "./float16.ts";

describe("float16BitsToFloat32", () => {
  it("decodes normal, subnormal, zero, infinite and NaN halves", () => {
    const bits = Uint16Array.from([
      0x3c00, // 1
      0xc000, // -2
      0x3555, // 0.333251953125
      0x7bff, // 65504, the largest half
      0x0001, // 2^-24, the smallest subnormal
      0x8000, // -0
      0x7c00, // Infinity
      0xfc00, // -Infinity
      0x7e00, // NaN
    ]);
    expect(Array.from(float16BitsToFloat32(bits))).toEqual([
      1,
      -2,
      0.333251953125,
      65504,
      2 ** -24,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ]);
  });
});
