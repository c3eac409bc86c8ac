import { HybridRagError } from "@hybrid-rag/core";
import { abortError } from "@hybrid-rag/core/internal";

/**
 * Runs at most `maxRunning` searches at once and lets at most `maxWaiting` wait; one more is
 * refused at once with `resource-exhausted` (the server's 503 with Retry-After). A waiting search
 * whose signal fires (its client went away) leaves the line without running, so abandoned
 * searches cannot delay the ones still wanted.
 */
export class SearchQueue {
  readonly #maxRunning: number;
  readonly #maxWaiting: number;
  /** What runs, in the busy message ("searches", "image reads"). */
  readonly #what: string;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(maxRunning: number, maxWaiting: number, what = "searches") {
    this.#maxRunning = maxRunning;
    this.#maxWaiting = maxWaiting;
    this.#what = what;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `search` once a slot is free; rejects if the queue is full or `signal` fires first. */
  async run<T>(signal: AbortSignal, search: () => Promise<T>): Promise<T> {
    await this.#enter(signal);
    try {
      return await search();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }

  #enter(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortError(signal, "search"));
    if (this.#running < this.#maxRunning) {
      this.#running++;
      return Promise.resolve();
    }
    if (this.#waiting.length >= this.#maxWaiting) {
      return Promise.reject(
        new HybridRagError(
          "resource-exhausted",
          `The demo is busy: ${this.#running} ${this.#what} running and ${this.#waiting.length} waiting (the most it queues); retry in a moment.`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        signal.removeEventListener("abort", leave);
        this.#running++;
        resolve();
      };
      const leave = () => {
        const index = this.#waiting.indexOf(start);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(abortError(signal, "search"));
      };
      signal.addEventListener("abort", leave, { once: true });
      this.#waiting.push(start);
    });
  }
}
