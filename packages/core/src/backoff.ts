import { setTimeout as sleep } from "node:timers/promises";
import { abortError } from "./abort.ts";

/**
 * Waits before retry number `attempt` (1-based): a random time up to
 * `min(maxMs, initialMs × 2^(attempt − 1))` (exponential backoff with full jitter), so clients
 * hitting one overloaded server spread out instead of retrying in lockstep. A fired signal
 * ends the wait with an `aborted`/`timeout` HybridRagError.
 */
export async function sleepBeforeRetry(
  attempt: number,
  initialMs: number,
  maxMs: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<void> {
  const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  try {
    await sleep(Math.random() * ceiling, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, what);
    throw error;
  }
}
