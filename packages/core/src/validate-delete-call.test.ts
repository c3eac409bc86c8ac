import { describe, expect, it } from "vitest";
import { expectErrorCode } from "./testing/expect-error.ts";
import { validateDeleteCall } from "./validate-delete-call.ts";

describe("validateDeleteCall", () => {
  it("returns the signal of a valid call", () => {
    const signal = new AbortController().signal;
    expect(validateDeleteCall("bm25", ["a"], { signal })).toBe(signal);
    expect(validateDeleteCall("bm25", [], undefined)).toBeUndefined();
  });

  it("rejects ids that are not an array, naming the index and the type", async () => {
    expect(() => validateDeleteCall("bm25", "a", undefined)).toThrow(
      "bm25 delete: expected an array of ids, got string.",
    );
    await expectErrorCode(
      Promise.resolve().then(() => validateDeleteCall("bm25", "a", undefined)),
      "invalid-argument",
    );
  });

  it("rejects a fired signal before looking at the ids", async () => {
    await expectErrorCode(
      Promise.resolve().then(() =>
        validateDeleteCall("bm25", "not checked", { signal: AbortSignal.abort() }),
      ),
      "aborted",
    );
  });
});
