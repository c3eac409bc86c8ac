import { describe, expect, it } from "vitest";
import { HybridRagError } from "./errors.ts";
import { checkTimeoutMs, maxTimeoutMs, timeoutMsSchema } from "./timeout-ms.ts";

describe("timeoutMsSchema / checkTimeoutMs", () => {
  it("accepts 1 ms up to 2^31 - 1 ms, the longest delay setTimeout holds", () => {
    expect(maxTimeoutMs).toBe(2_147_483_647);
    expect(checkTimeoutMs(1, "timeouts.total")).toBe(1);
    expect(checkTimeoutMs(maxTimeoutMs, "timeouts.total")).toBe(maxTimeoutMs);
    expect(timeoutMsSchema("x").safeParse(0.5).success).toBe(true);
  });

  it.each([2 ** 31, Number.MAX_SAFE_INTEGER])(
    "rejects %d with a message naming the setting and the limit",
    (value) => {
      let caught: unknown;
      try {
        checkTimeoutMs(value, "timeouts.rerank");
      } catch (error) {
        caught = error;
      }
      expect(HybridRagError.isInstance(caught)).toBe(true);
      expect((caught as HybridRagError).code).toBe("invalid-argument");
      expect((caught as HybridRagError).message).toMatch(
        /timeouts\.rerank .*2147483647 ms.*setTimeout/,
      );
    },
  );

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY])("rejects %d", (value) => {
    expect(() => checkTimeoutMs(value, "t")).toThrow(/Invalid t/);
  });
});
