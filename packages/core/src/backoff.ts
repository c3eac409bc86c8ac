import { setTimeout as sleep } from "node:timers/promises";
import { abortError } from "./abort.ts";

/**
 * Waits before retry number `attempt` (1-based): a random time up to
 * `min(maxMs, initialMs × 2^(attempt − 1))` (exponential backoff with full jitter), so clients
 * hitting one overloaded server spread out instead of retrying in lockstep. When the server
 * said how long to wait (`retryAfterMs`, from a Retry-After header), that wait is used instead,
 * capped at `maxMs` so a hostile or confused server cannot park the client for hours. A fired
 * signal ends the wait with an `aborted`/`timeout` HybridRagError.
 */
export async function sleepBeforeRetry(
  attempt: number,
  initialMs: number,
  maxMs: number,
  signal: AbortSignal | undefined,
  what: string,
  retryAfterMs?: number,
): Promise<void> {
  const delay =
    retryAfterMs === undefined
      ? Math.random() * Math.min(maxMs, initialMs * 2 ** (attempt - 1))
      : Math.min(maxMs, retryAfterMs);
  try {
    await sleep(delay, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, what);
    throw error;
  }
}

/** An HTTP Retry-After value (seconds or an HTTP date) in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
