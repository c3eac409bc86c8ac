import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareCodePoints } from "./code-point-order.ts";

const utf8Order = (left: string, right: string) =>
  Math.sign(Buffer.compare(Buffer.from(left, "utf8"), Buffer.from(right, "utf8")));

describe("compareCodePoints", () => {
  it("puts U+E000 and above before supplementary characters, as UTF-8 byte order does", () => {
    expect(["\u{1F600}", "\uE000", "z", "a"].sort(compareCodePoints)).toEqual([
      "a",
      "z",
      "\uE000",
      "\u{1F600}",
    ]);
    expect(compareCodePoints("ab", "ab")).toBe(0);
    expect(compareCodePoints("ab", "abc")).toBeLessThan(0);
  });

  it("agrees with UTF-8 byte order on any well-formed strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(utf8Order(a, b));
      }),
    );
  });
});
