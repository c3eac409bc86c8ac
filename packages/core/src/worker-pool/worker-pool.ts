import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { abortError, throwIfAborted } from "../abort.ts";
import { HybridRagError } from "../errors.ts";
import { deserializeError, type PoolMessage, type WorkerMessage } from "./worker-messages.ts";

export interface WorkerPoolOptions<Start> {
  /** Names the pool's work in errors ("cross-encoder", "USE-lite embedder"). */
  readonly label: string;
  /** The worker module: it calls `serveWorker` (see `siblingModuleUrl`). */
  readonly workerUrl: URL;
  /** Handed to every worker as `workerData` (structured-cloneable: no functions, no signals). */
  readonly start: Start;
  /** Worker threads, each with its own copy of the model (memory × workers). */
  readonly workers: number;
}

interface PendingTask {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: HybridRagError) => void;
}

interface PoolWorker {
  readonly thread: Worker;
  readonly pending: Map<number, PendingTask>;
}

/** Up to 4 × the machine's cores: more only adds memory and contention. */
export function checkWorkerCount(workers: number, label: string): void {
  const most = availableParallelism() * 4;
  if (!Number.isInteger(workers) || workers < 1 || workers > most) {
    throw new HybridRagError(
      "invalid-argument",
      `${label}: workers must be a whole number from 1 to ${most} (4 × this machine's cores), got ${workers}.`,
    );
  }
}

/**
 * Worker threads that each load one model (the module at `workerUrl`, built on `serveWorker`) and
 * run tasks off the calling thread. A task goes to the worker with the fewest in flight; a worker
 * that dies fails its tasks with `unavailable` and is replaced. Shared by the cross-encoder and
 * the embedder pools.
 */
export class WorkerPool<Task, Facts> {
  /** What the first worker reported once its model was loaded. */
  readonly facts: Facts;
  readonly #options: WorkerPoolOptions<unknown>;
  readonly #workers: PoolWorker[];
  #nextId = 1;
  #released = false;

  private constructor(options: WorkerPoolOptions<unknown>, workers: PoolWorker[], facts: Facts) {
    this.#options = options;
    this.#workers = workers;
    this.facts = facts;
  }

  /** Starts `workers` threads and resolves once every one has loaded its model. */
  static async start<Start, Task, Facts>(
    options: WorkerPoolOptions<Start>,
  ): Promise<WorkerPool<Task, Facts>> {
    checkWorkerCount(options.workers, options.label);
    const started = await Promise.allSettled(
      Array.from({ length: options.workers }, () => startWorker<Facts>(options)),
    );
    const failure = started.find((result) => result.status === "rejected");
    if (failure) {
      await Promise.all(
        started.map((result) =>
          result.status === "fulfilled" ? result.value.worker.thread.terminate() : undefined,
        ),
      );
      throw failure.reason;
    }
    const ready = started as PromiseFulfilledResult<{ worker: PoolWorker; facts: Facts }>[];
    const pool = new WorkerPool<Task, Facts>(
      options,
      ready.map((result) => result.value.worker),
      ready[0]!.value.facts,
    );
    for (const worker of pool.#workers) pool.#watch(worker);
    return pool;
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.#workers.length;
  }

  /** Tasks sent to workers and not yet answered. */
  get inFlight(): number {
    return this.#workers.reduce((sum, worker) => sum + worker.pending.size, 0);
  }

  /** Runs one task in the least busy worker; the promise holds the worker's value. */
  run<Value>(
    task: Task,
    options: { readonly signal?: AbortSignal | undefined; readonly transfer?: ArrayBuffer[] } = {},
  ): Promise<Value> {
    const { label } = this.#options;
    const { signal } = options;
    throwIfAborted(signal, `${label} worker task`);
    if (this.#released || this.#workers.length === 0) {
      return Promise.reject(
        new HybridRagError("unavailable", `The ${label} worker pool has been released.`),
      );
    }
    const worker = this.#workers.reduce((best, candidate) =>
      candidate.pending.size < best.pending.size ? candidate : best,
    );
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        worker.pending.delete(id);
        worker.thread.postMessage({ kind: "cancel", id } satisfies PoolMessage<Task>);
        reject(abortError(signal!, `${label} worker task`));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      worker.pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value as Value);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      try {
        worker.thread.postMessage(
          { kind: "run", id, task } satisfies PoolMessage<Task>,
          options.transfer,
        );
      } catch (error) {
        worker.pending.delete(id);
        signal?.removeEventListener("abort", onAbort);
        reject(
          new HybridRagError(
            "invalid-argument",
            `Cannot send the task to a ${label} worker: ${String(error)}`,
          ),
        );
      }
    });
  }

  /**
   * Stops every worker: tasks in flight fail with `unavailable` at once; each worker finishes the
   * model run in progress (a thread cannot be stopped inside a native run without aborting the
   * process), releases its model and exits. After `graceMs` a worker still running is
   * terminated anyway.
   */
  async release(graceMs = 30_000): Promise<void> {
    this.#released = true;
    const workers = this.#workers.splice(0);
    for (const worker of workers) failAll(worker, this.#options.label, "the pool was released");
    await Promise.all(
      workers.map(async (worker) => {
        if (worker.thread.threadId < 0) return; // already gone
        const exited = new Promise((resolve) => worker.thread.once("exit", resolve));
        worker.thread.postMessage({ kind: "close" } satisfies PoolMessage<Task>);
        const timer = setTimeout(() => void worker.thread.terminate(), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  /** Routes a worker's replies to its tasks; replaces it if it dies. */
  #watch(worker: PoolWorker): void {
    worker.thread.on("message", (message: WorkerMessage<Facts>) => {
      if (message.kind === "ready" || message.kind === "load-failed") return;
      const task = worker.pending.get(message.id);
      if (!task) return; // cancelled meanwhile
      worker.pending.delete(message.id);
      if (message.kind === "failed") task.reject(deserializeError(message.error));
      else task.resolve(message.value);
    });
    worker.thread.once("exit", (code) => {
      failAll(worker, this.#options.label, `the worker thread exited with code ${code}`);
      const position = this.#workers.indexOf(worker);
      if (position < 0 || this.#released) return;
      this.#workers.splice(position, 1);
      void startWorker<Facts>(this.#options).then(
        ({ worker: replacement }) => {
          if (this.#released) void replacement.thread.terminate();
          else {
            this.#workers.push(replacement);
            this.#watch(replacement);
          }
        },
        () => {},
      );
    });
  }
}

function startWorker<Facts>(
  options: WorkerPoolOptions<unknown>,
): Promise<{ worker: PoolWorker; facts: Facts }> {
  const { label, workerUrl, start } = options;
  return new Promise((resolve, reject) => {
    const thread = new Worker(workerUrl, { workerData: start });
    const onExit = (code: number) =>
      reject(
        new HybridRagError(
          "unavailable",
          `The ${label} worker exited (code ${code}) before its model was loaded.`,
        ),
      );
    thread.once("error", (error) => reject(toLoadError(error, label)));
    thread.once("exit", onExit);
    thread.once("message", (message: WorkerMessage<Facts>) => {
      thread.off("exit", onExit);
      thread.removeAllListeners("error");
      thread.on("error", () => {}); // reported through "exit"
      if (message.kind === "ready") {
        resolve({ worker: { thread, pending: new Map() }, facts: message.facts });
      } else if (message.kind === "load-failed") {
        void thread.terminate();
        reject(deserializeError(message.error));
      }
    });
  });
}

function toLoadError(error: unknown, label: string): HybridRagError {
  if (HybridRagError.isInstance(error)) return error;
  return new HybridRagError(
    "unavailable",
    `The ${label} worker failed while loading its model: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

function failAll(worker: PoolWorker, label: string, reason: string): void {
  const error = new HybridRagError(
    "unavailable",
    `A ${label} task was lost: ${reason}. Retry the request.`,
  );
  for (const task of worker.pending.values()) task.reject(error);
  worker.pending.clear();
}
