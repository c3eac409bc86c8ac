import { type BoundedRead, type DeferredRead, readBounded } from "./load-file.ts";

/** Reads in flight at once: enough to hide the thread-pool round trips of small files. */
export const readAheadDepth = 16;
/** Larger files are read at their turn, so a read ahead holds at most depth × this in memory. */
const defaultMaxBytesAhead = 1024 * 1024;

/**
 * The files of one folder, read a few ahead of the walk, in its order: a small file costs four
 * thread-pool round trips (open, stat, read, close) and an incremental re-ingest does little
 * else with it (a hash), so reading them one at a time leaves the process mostly waiting. Each
 * read is the same bounded read the file's turn would make; files over `maxBytesAhead` are left
 * to their turn. A file added but never taken is dropped when a later one is taken.
 */
export class ReadAhead {
  readonly #paths: string[] = [];
  readonly #index = new Map<string, number>();
  readonly #started = new Map<number, Promise<BoundedRead | DeferredRead>>();
  readonly #maxFileBytes: number;
  readonly #depth: number;
  readonly #maxBytesAhead: number;
  #next = 0;
  #lastTaken = -1;

  constructor(maxFileBytes: number, depth = readAheadDepth, maxBytesAhead = defaultMaxBytesAhead) {
    this.#maxFileBytes = maxFileBytes;
    this.#depth = depth;
    this.#maxBytesAhead = maxBytesAhead;
  }

  /** A file the walk will read, in walk order. */
  add(path: string): void {
    this.#index.set(path, this.#paths.length);
    this.#paths.push(path);
  }

  /** The read of `path` if it was added (started now if not yet), keeping the next ones in flight. */
  take(path: string): Promise<BoundedRead | DeferredRead> | undefined {
    const index = this.#index.get(path);
    // Not added, or passed over by the walk (its read was dropped): read at its turn.
    if (index === undefined || index <= this.#lastTaken) return undefined;
    this.#lastTaken = index;
    const read = this.#started.get(index) ?? this.#start(path);
    for (const earlier of this.#started.keys()) if (earlier <= index) this.#started.delete(earlier);
    this.#next = Math.max(this.#next, index + 1);
    while (this.#started.size < this.#depth && this.#next < this.#paths.length) {
      const next = this.#next++;
      this.#started.set(next, this.#start(this.#paths[next]!));
    }
    return read;
  }

  #start(path: string): Promise<BoundedRead | DeferredRead> {
    // readBounded reports what it cannot read as a skip; anything else is left to the turn.
    return readBounded(path, this.#maxFileBytes, this.#maxBytesAhead).catch(
      (): DeferredRead => ({ kind: "deferred" }),
    );
  }
}
