import { throwIfAborted } from "../abort.ts";
import { assertStrings } from "../assert-strings.ts";
import { ConcurrencyLimit } from "../concurrency-limit.ts";
import type { Embedder, EmbedOptions } from "../embedder.ts";
import { HybridRagError } from "../errors.ts";
import type { EmbedderFacts, EmbedTask } from "./embedder-worker-messages.ts";
import { WorkerPool, type WorkerPoolOptions } from "./worker-pool.ts";

export interface EmbedderWorkerPoolOptions<Start> extends WorkerPoolOptions<Start> {
  /**
   * A task (one worker trip) holds texts of about this many characters in all (default 32,768,
   * about 8k tokens): large enough for full model batches, small enough to spread a call over
   * every worker.
   */
  readonly charactersPerTask?: number;
  /** Texts per task at most (default 32). */
  readonly textsPerTask?: number;
  /**
   * Tasks sent to each worker at once (default 2: one running, one waiting, so no worker idles
   * between tasks). Later tasks wait in the pool, so memory stays bounded.
   */
  readonly tasksPerWorker?: number;
}

/**
 * An `Embedder` whose model runs on worker threads, one model per worker: a call's texts are
 * grouped by length into tasks, the tasks go to the least busy workers (each tokenises and
 * batches its own), and the vectors come back in input order. Every consumer of `Embedder`
 * (collection, CLI, benchmark) gets every core without knowing it.
 */
export class EmbedderWorkerPool implements Embedder {
  readonly name: string;
  readonly dimension: number;
  /** What the workers' model reported (backend, files, provider). */
  readonly details: Readonly<Record<string, unknown>>;
  readonly #pool: WorkerPool<EmbedTask, EmbedderFacts>;
  readonly #limit: ConcurrencyLimit;
  readonly #charactersPerTask: number;
  readonly #textsPerTask: number;

  private constructor(
    pool: WorkerPool<EmbedTask, EmbedderFacts>,
    settings: { charactersPerTask: number; textsPerTask: number; tasksPerWorker: number },
  ) {
    this.#pool = pool;
    this.name = pool.facts.name;
    this.dimension = pool.facts.dimension;
    this.details = pool.facts.details;
    this.#limit = new ConcurrencyLimit(pool.size * settings.tasksPerWorker);
    this.#charactersPerTask = settings.charactersPerTask;
    this.#textsPerTask = settings.textsPerTask;
  }

  static async start<Start>(
    options: EmbedderWorkerPoolOptions<Start>,
  ): Promise<EmbedderWorkerPool> {
    const {
      charactersPerTask = 32_768,
      textsPerTask = 32,
      tasksPerWorker = 2,
      ...poolOptions
    } = options;
    for (const [name, value] of Object.entries({
      charactersPerTask,
      textsPerTask,
      tasksPerWorker,
    })) {
      if (!Number.isInteger(value) || value < 1) {
        throw new HybridRagError(
          "invalid-argument",
          `${options.label}: ${name} must be a whole number ≥ 1, got ${value}.`,
        );
      }
    }
    const pool = await WorkerPool.start<Start, EmbedTask, EmbedderFacts>(poolOptions);
    return new EmbedderWorkerPool(pool, { charactersPerTask, textsPerTask, tasksPerWorker });
  }

  /** Worker threads (one model each). */
  get workers(): number {
    return this.#pool.size;
  }

  /** Tasks sent to workers and not yet answered (at most workers × tasksPerWorker). */
  get inFlight(): number {
    return this.#pool.inFlight;
  }

  embedQueries(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.#embed("queries", texts, options?.signal);
  }

  embedPassages(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.#embed("passages", texts, options?.signal);
  }

  /** Ends the workers (each finishes the batch it is running); calls made later fail. */
  release(graceMs?: number): Promise<void> {
    return this.#pool.release(graceMs);
  }

  async #embed(
    side: EmbedTask["side"],
    texts: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<Float32Array[]> {
    const what = `${this.name} embedding`;
    throwIfAborted(signal, what);
    assertStrings(texts, what);
    const vectors: Float32Array[] = new Array(texts.length);
    // All tasks of a call start together (each waits for a free slot); the first failure
    // aborts the rest, so a failed call does not keep the workers busy.
    const failed = new AbortController();
    const taskSignal = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
    const tasks = this.#slices(texts).map((slice) =>
      this.#limit.run(async () => {
        throwIfAborted(taskSignal, what);
        const packed = await this.#pool
          .run<Float32Array>(
            { side, texts: slice.map((index) => texts[index]!) },
            { signal: taskSignal },
          )
          .catch((error: unknown) => {
            throw inCallerTerms(error, slice);
          });
        for (const [row, index] of slice.entries()) {
          vectors[index] = packed.slice(row * this.dimension, (row + 1) * this.dimension);
        }
      }),
    );
    try {
      await Promise.all(tasks);
    } catch (error) {
      failed.abort(error);
      await Promise.allSettled(tasks);
      throw error;
    }
    return vectors;
  }

  /** Text indices grouped by length (shortest first) into tasks within the size bounds. */
  #slices(texts: readonly string[]): number[][] {
    const order = texts
      .map((_, index) => index)
      .sort((a, b) => texts[a]!.length - texts[b]!.length);
    const slices: number[][] = [];
    let current: number[] = [];
    let characters = 0;
    for (const index of order) {
      const length = texts[index]!.length;
      if (
        current.length > 0 &&
        (characters + length > this.#charactersPerTask || current.length >= this.#textsPerTask)
      ) {
        slices.push(current);
        current = [];
        characters = 0;
      }
      current.push(index);
      characters += length;
    }
    if (current.length > 0) slices.push(current);
    return slices;
  }
}

/** A worker's error names a text by its place in the task: say which text of the call it was. */
function inCallerTerms(error: unknown, slice: readonly number[]): unknown {
  if (!HybridRagError.isInstance(error)) return error;
  const index = error.details?.index;
  if (typeof index !== "number" || slice[index] === undefined) return error;
  return new HybridRagError(
    error.code,
    `${error.message} (the worker's text ${index} is text ${slice[index]} of this call)`,
    { cause: error, details: { ...error.details, index: slice[index] } },
  );
}
