import { describe, expect, it } from "vitest";
import { jsonNestingExceeds, parseJsonWithLimits } from "./bounded-json.ts";
import { describeValue } from "./describe-value.ts";
import { HybridRagError } from "./errors.ts";

const limits = { maxDepth: 8, what: "request body" };

describe("parseJsonWithLimits", () => {
  it("parses JSON within the depth limit, brackets inside strings not counted", () => {
    expect(parseJsonWithLimits('{"a":[[1]],"b":"[[[[[[[[[[\\"{{{{{{{{{"}', limits)).toEqual({
      a: [[1]],
      b: '[[[[[[[[[["{{{{{{{{{',
    });
    expect(jsonNestingExceeds("[".repeat(8) + "]".repeat(8), 8)).toBeUndefined();
  });

  it("refuses a 10,000-deep body with invalid-argument naming the limit", () => {
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    let caught: unknown;
    try {
      parseJsonWithLimits(deep, limits);
    } catch (error) {
      caught = error;
    }
    expect(HybridRagError.isInstance(caught)).toBe(true);
    expect((caught as HybridRagError).code).toBe("invalid-argument");
    expect((caught as Error).message).toMatch(/deeper than 8 levels/);
  });

  it("turns malformed JSON into invalid-argument with a bounded message", () => {
    expect(() => parseJsonWithLimits(`{"a": ${"x".repeat(100_000)}`, limits)).toThrow(
      /Malformed JSON in the request body/,
    );
    try {
      parseJsonWithLimits(`{"a": ${"x".repeat(100_000)}`, limits);
    } catch (error) {
      expect((error as Error).message.length).toBeLessThan(300);
    }
  });
});

describe("array length limits", () => {
  it("refuses an over-long array in the scan, before JSON.parse builds it", () => {
    const limited = { ...limits, maxArrayItems: 3, arrayItemsHint: "send at most 3 passages" };
    expect(
      parseJsonWithLimits('{"a":[1,2,3],"b":{"x":1,"y":2,"z":3,"w":4},"c":"1,2,3,4"}', limited),
    ).toEqual({
      a: [1, 2, 3],
      b: { x: 1, y: 2, z: 3, w: 4 },
      c: "1,2,3,4",
    });
    expect(() => parseJsonWithLimits("[[1,2,3,4]]", limited)).toThrow(
      /an array of more than 3 items \(at character 7\): send at most 3 passages/,
    );
    try {
      parseJsonWithLimits('{"a":[1], "b" : [1,2,3,4]}', limited);
      expect.unreachable();
    } catch (error) {
      // The offset of the `[` that opens the refused array, so callers can name its field.
      expect((error as HybridRagError).details).toMatchObject({ arrayOffset: 16, offset: 22 });
    }
    const huge = `[${"1,".repeat(4_000_000)}1]`;
    expect(() => parseJsonWithLimits(huge, limited)).toThrow(/more than 3 items/);
  });
});

describe("describeValue", () => {
  it("describes deeply nested and huge values in bounded length without overflowing the stack", () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(describeValue(deep)).toBe("[[[[4 items]]]]".replace("4 items", "1 items"));
    const huge = Array.from({ length: 1_000_000 }, (_, index) => index);
    const text = describeValue(huge);
    expect(text.length).toBeLessThanOrEqual(80);
    expect(text.startsWith("[0,1,2,")).toBe(true);
    expect(describeValue("x".repeat(1_000_000)).length).toBe(80);
    expect(describeValue({ a: 1, b: "two" })).toBe('{"a":1,"b":"two"}');
  });
});
