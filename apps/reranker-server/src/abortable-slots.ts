import { abortError } from "@hybrid-rag/core/internal";

/**
 * At most `size` holders at once; the others wait in arrival order. A waiter whose signal fires
 * leaves the line at once, so work for a client that has gone away is dropped before it starts
 * (a queue inside a worker thread cannot do this: its cancel message waits behind the work).
 */
export class AbortableSlots {
  readonly #size: number;
  #held = 0;
  readonly #waiting: Array<{ readonly grant: () => void }> = [];

  constructor(size: number) {
    this.#size = Math.max(1, size);
  }

  /** Waiting holders. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves with the release function once a slot is free; rejects if `signal` fires first. */
  acquire(signal: AbortSignal | undefined, what: string): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError(signal, what));
    if (this.#held < this.#size) {
      this.#held++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          this.#held++;
          resolve(this.#releaser());
        },
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(entry);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(abortError(signal!, what));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held--;
      this.#waiting.shift()?.grant();
    };
  }
}
