import { z } from "zod";
import { HybridRagError } from "./errors.ts";

/**
 * The longest delay `setTimeout` can hold: 2^31 - 1 ms (about 24.8 days). Node turns anything
 * larger into 1 ms (with a TimeoutOverflowWarning), so a "very long" timeout would fire at once.
 */
export const maxTimeoutMs = 2 ** 31 - 1;

/**
 * A timeout in milliseconds, more than 0 and at most `maxTimeoutMs`; `what` names the setting in
 * the messages (`timeoutMsSchema("timeouts.rerank")`). Finite by construction (zod rejects NaN
 * and Infinity).
 */
export function timeoutMsSchema(what: string) {
  return z
    .number({ error: `${what} must be a number of milliseconds` })
    .positive(`${what} must be more than 0 ms`)
    .max(
      maxTimeoutMs,
      `${what} must be at most ${maxTimeoutMs} ms (2^31 - 1, the longest delay setTimeout can hold; larger values would fire after 1 ms); leave it unset for no timeout`,
    );
}

/** Throws `invalid-argument` unless `value` is a timeout `setTimeout` honours (see `timeoutMsSchema`). */
export function checkTimeoutMs(value: number, what: string): number {
  const result = timeoutMsSchema(what).safeParse(value);
  if (result.success) return result.data;
  throw new HybridRagError(
    "invalid-argument",
    `Invalid ${what}: ${result.error.issues[0]?.message ?? "not a timeout"} (got ${String(value)}).`,
    { details: { value, maxTimeoutMs } },
  );
}
