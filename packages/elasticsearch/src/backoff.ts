import { setTimeout as sleep } from "node:timers/promises";
import { abortError } from "@hybrid-rag/core";

/**
 * Waits before retry number `attempt` (1-based): exponential with full jitter, so many clients
 * hitting one overloaded server spread out instead of retrying in lockstep.
 */
export async function backoff(
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
