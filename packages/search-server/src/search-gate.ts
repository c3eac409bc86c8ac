import { HybridRagError } from "@hybrid-rag/core";
import { ConcurrencyLimit } from "@hybrid-rag/core/internal";

/**
 * Bounded work: at most `concurrent` searches run, `queued` more wait (FIFO); beyond that a
 * search is refused at once (503) instead of piling up. Each search, its wait included, gets
 * `timeoutMs`: past it the caller gets a `timeout` error and the search's signal fires, so a
 * search still queued or running stops at its next check.
 */
export class SearchGate {
  readonly #limit: ConcurrencyLimit;
  readonly #capacity: number;
  readonly #timeoutMs: number;
  #pending = 0;

  constructor(concurrent: number, queued: number, timeoutMs: number) {
    this.#limit = new ConcurrencyLimit(concurrent);
    this.#capacity = concurrent + queued;
    this.#timeoutMs = timeoutMs;
  }

  /** Searches running or waiting. */
  get pending(): number {
    return this.#pending;
  }

  async run<T>(task: (signal: AbortSignal) => Promise<T>, clientGone?: AbortSignal): Promise<T> {
    if (this.#pending >= this.#capacity) {
      throw new HybridRagError(
        "resource-exhausted",
        `${this.#pending} searches are running or waiting (the server's limit): retry shortly.`,
      );
    }
    this.#pending += 1;
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = clientGone ? AbortSignal.any([timeout, clientGone]) : timeout;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () =>
        reject(
          timeout.aborted
            ? new HybridRagError(
                "timeout",
                `the search took longer than ${this.#timeoutMs} ms; try a smaller top_k or candidates.`,
              )
            : new HybridRagError("aborted", "the client closed the connection"),
        );
      signal.addEventListener("abort", onAbort, { once: true });
    });
    const running = this.#limit.run(() => task(signal));
    try {
      return await Promise.race([running, aborted]);
    } finally {
      if (onAbort) signal.removeEventListener("abort", onAbort);
      // The slot is free only when the search itself has stopped.
      void running.then(
        () => {
          this.#pending -= 1;
        },
        () => {
          this.#pending -= 1;
        },
      );
      running.catch(() => {});
    }
  }
}
