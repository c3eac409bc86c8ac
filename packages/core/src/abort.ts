import { HybridRagError } from "./errors.ts";

/** Throws an `aborted` (or `timeout`, for AbortSignal.timeout) HybridRagError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (!signal?.aborted) return;
  throw abortError(signal, what);
}

/** The error to throw for a fired signal, telling timeouts apart from cancellations. */
export function abortError(signal: AbortSignal, what: string): HybridRagError {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "TimeoutError") {
    return new HybridRagError("timeout", `${what} timed out: ${reason.message}`, { cause: reason });
  }
  if (HybridRagError.isInstance(reason)) return reason;
  const text = reason instanceof Error ? reason.message : String(reason ?? "no reason given");
  return new HybridRagError("aborted", `${what} was aborted (${text}).`, { cause: reason });
}
