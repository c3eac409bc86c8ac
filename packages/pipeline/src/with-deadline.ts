import { type HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import { abortError, checkTimeoutMs } from "@hybrid-rag/core/internal";

export interface DeadlineOptions {
  /** Cancels the work (the caller's signal). */
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds before the work is abandoned with a `timeout` error (at most 2^31 - 1). */
  readonly timeoutMs?: number | undefined;
  /** Names the work in error messages. */
  readonly what: string;
}

/**
 * Runs `work` with a signal that fires on the caller's abort or after `timeoutMs`, and settles
 * as soon as that signal fires even if the work ignores it: a stuck component cannot hang a query.
 * Everything thrown becomes a HybridRagError (`aborted`, `timeout`, or the component's own).
 */
export async function withDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: DeadlineOptions,
): Promise<T> {
  if (options.timeoutMs !== undefined)
    checkTimeoutMs(options.timeoutMs, `the timeout of ${options.what}`);
  const controller = new AbortController();
  const { signal } = controller;
  const forward = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  else options.signal?.addEventListener("abort", forward, { once: true });
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(
              new DOMException(
                `${options.what} took longer than ${options.timeoutMs} ms`,
                "TimeoutError",
              ),
            ),
          options.timeoutMs,
        );
  let onAbort: (() => void) | undefined;
  const fired = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal, options.what));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([Promise.resolve().then(() => work(signal)), fired]);
  } catch (error) {
    throw asStageError(error, signal, options.what);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", forward);
    if (onAbort) signal.removeEventListener("abort", onAbort);
    fired.catch(() => {}); // the race is over; nobody listens to this promise any more
  }
}

function asStageError(error: unknown, signal: AbortSignal, what: string): HybridRagError {
  // A component that rejects with its own AbortError after our signal fired: report why it fired.
  if (signal.aborted) return abortError(signal, what);
  return toHybridRagError(error, what);
}
