import { describe, expect, it } from "vitest";
import { parseRetryAfter, sleepBeforeRetry } from "./backoff.ts";
import { expectErrorCode } from "./testing/expect-error.ts";

describe("sleepBeforeRetry", () => {
  it("waits at most the capped exponential delay", async () => {
    await sleepBeforeRetry(3, 1, 2, undefined, "test");
  });

  it("waits what Retry-After asked, capped at the longest delay", async () => {
    await sleepBeforeRetry(1, 60_000, 60_000, undefined, "test", 0);
    await sleepBeforeRetry(1, 60_000, 1, undefined, "test", 3_600_000);
  });

  it("ends with aborted when the signal fires", async () => {
    const controller = new AbortController();
    const waiting = sleepBeforeRetry(1, 60_000, 60_000, controller.signal, "retrying");
    controller.abort(new Error("stop"));
    await expectErrorCode(waiting, "aborted");
    await expect(sleepBeforeRetry(1, 60_000, 60_000, AbortSignal.abort(), "x")).rejects.toThrow(
      /aborted/,
    );
    await expectErrorCode(
      sleepBeforeRetry(1, 1, 60_000, AbortSignal.abort(), "x", 60_000),
      "aborted",
    );
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTenSeconds)).toBeGreaterThan(8000);
  });
});
