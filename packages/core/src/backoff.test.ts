import { describe, expect, it } from "vitest";
import { sleepBeforeRetry } from "./backoff.ts";
import { expectErrorCode } from "./testing/expect-error.ts";

describe("sleepBeforeRetry", () => {
  it("waits at most the capped exponential delay", async () => {
    await sleepBeforeRetry(3, 1, 2, undefined, "test");
  });

  it("ends with aborted when the signal fires", async () => {
    const controller = new AbortController();
    const waiting = sleepBeforeRetry(1, 60_000, 60_000, controller.signal, "retrying");
    controller.abort(new Error("stop"));
    await expectErrorCode(waiting, "aborted");
    await expect(sleepBeforeRetry(1, 60_000, 60_000, AbortSignal.abort(), "x")).rejects.toThrow(
      /aborted/,
    );
  });
});
