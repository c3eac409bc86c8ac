import { describe, expect, it } from "vitest";
import {
  errorCodeForHttpStatus,
  HybridRagError,
  isRetryableHttpStatus,
  toHybridRagError,
} from "./errors.ts";

describe("HybridRagError", () => {
  it("marks transient codes retryable unless told otherwise", () => {
    expect(new HybridRagError("unavailable", "down").isRetryable).toBe(true);
    expect(new HybridRagError("rate-limited", "slow down").isRetryable).toBe(true);
    expect(new HybridRagError("invalid-argument", "bad").isRetryable).toBe(false);
    expect(new HybridRagError("unavailable", "down", { isRetryable: false }).isRetryable).toBe(
      false,
    );
  });

  it("keeps cause, status and details", () => {
    const cause = new Error("socket hang up");
    const error = new HybridRagError("unavailable", "qdrant unreachable", {
      cause,
      statusCode: 503,
      details: { url: "http://127.0.0.1:6333" },
    });
    expect(error.cause).toBe(cause);
    expect(error.statusCode).toBe(503);
    expect(error.details).toEqual({ url: "http://127.0.0.1:6333" });
    expect(error).toBeInstanceOf(Error);
    expect(HybridRagError.isInstance(error)).toBe(true);
    expect(HybridRagError.isInstance(cause)).toBe(false);
    expect(HybridRagError.isInstance(null)).toBe(false);
  });

  it("maps HTTP statuses to codes and retryability", () => {
    expect(errorCodeForHttpStatus(400)).toBe("invalid-argument");
    expect(errorCodeForHttpStatus(422)).toBe("invalid-argument");
    expect(errorCodeForHttpStatus(401)).toBe("permission-denied");
    expect(errorCodeForHttpStatus(404)).toBe("not-found");
    expect(errorCodeForHttpStatus(408)).toBe("timeout");
    expect(errorCodeForHttpStatus(429)).toBe("rate-limited");
    expect(errorCodeForHttpStatus(503)).toBe("unavailable");
    expect([408, 409, 429, 500, 503].every(isRetryableHttpStatus)).toBe(true);
    expect([400, 401, 404, 422].some(isRetryableHttpStatus)).toBe(false);
  });
});

describe("toHybridRagError", () => {
  it("returns HybridRagErrors unchanged", () => {
    const error = new HybridRagError("not-found", "no such index");
    expect(toHybridRagError(error)).toBe(error);
  });

  it("turns aborts and timeouts into their codes", () => {
    const abort = new DOMException("stop", "AbortError");
    expect(toHybridRagError(abort).code).toBe("aborted");
    const timeout = new DOMException("too slow", "TimeoutError");
    expect(toHybridRagError(timeout).code).toBe("timeout");
  });

  it("wraps anything else as internal with context and cause", () => {
    const error = toHybridRagError(new TypeError("x is undefined"), "bm25 retrieve");
    expect(error.code).toBe("internal");
    expect(error.message).toBe("bm25 retrieve: x is undefined");
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(toHybridRagError("plain string").message).toBe("plain string");
  });
});
