import { availableParallelism } from "node:os";
import { relative } from "node:path";
import { Worker } from "node:worker_threads";
import { HybridRagError } from "@hybrid-rag/core";
import { abortError, throwIfAborted } from "@hybrid-rag/core/internal";
import {
  type ExecutionProvider,
  type LoadModelOptions,
  loadModelDirectory,
  type ProviderReport,
} from "@hybrid-rag/models";
import type { CrossEncoderSettings, TruncateMode } from "./cross-encoder-options.ts";
import type { EncodedPair, QueryPassagePair } from "./encode-pairs.ts";
import type { ChosenModelFile } from "./model-precision.ts";
import { siblingModuleUrl } from "./sibling-module-url.ts";
import type {
  SerializedError,
  WorkerReply,
  WorkerStartData,
  WorkerTask,
} from "./worker-protocol.ts";

export interface CrossEncoderWorkerPoolOptions extends CrossEncoderSettings {
  /** A model directory path or a Hub id; each worker loads it. */
  readonly model: string;
  readonly hub?: LoadModelOptions;
  /**
   * Worker threads, each with its own ONNX session (memory × workers). Default 1: onnxruntime
   * already spreads one run over `intraOpThreads` cores; keep workers × intraOpThreads ≤ cores.
   */
  readonly workers?: number;
}

interface PendingTask {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: HybridRagError) => void;
}

interface PoolWorker {
  readonly thread: Worker;
  readonly pending: Map<number, PendingTask>;
}

interface ReadyFacts {
  readonly maxLength: number;
  readonly provider: ExecutionProvider;
  readonly fallbackReason: string | undefined;
  readonly providerReport: ProviderReport;
  readonly modelFile: ChosenModelFile;
  readonly source: string;
}

const workerUrl = siblingModuleUrl("cross-encoder-worker", import.meta.url);

/**
 * A `CrossEncoder` on worker threads: tokenising and model runs happen off the calling thread,
 * so a server's event loop keeps answering (health checks, timeouts, new connections) while a
 * batch is scored. Same results as `CrossEncoder` (same code, in the worker). Tasks go to the
 * worker with the fewest in flight; a worker that dies fails its tasks with `unavailable` and
 * is replaced.
 */
export class CrossEncoderWorkerPool {
  readonly maxLength: number;
  readonly provider: ExecutionProvider;
  readonly fallbackReason: string | undefined;
  /** Requested and actual provider, as the workers' sessions report it (plain JSON). */
  readonly providerReport: ProviderReport;
  /** The ONNX file the workers run, and at which precision. */
  readonly modelFile: ChosenModelFile;
  /** Where the model came from (path or Hub id). */
  readonly source: string;
  readonly #start: WorkerStartData;
  readonly #workers: PoolWorker[];
  #nextId = 1;
  #released = false;

  private constructor(start: WorkerStartData, workers: PoolWorker[], facts: ReadyFacts) {
    this.#start = start;
    this.#workers = workers;
    this.maxLength = facts.maxLength;
    this.provider = facts.provider;
    this.fallbackReason = facts.fallbackReason;
    this.providerReport = facts.providerReport;
    this.modelFile = facts.modelFile;
    this.source = facts.source;
  }

  static async create(options: CrossEncoderWorkerPoolOptions): Promise<CrossEncoderWorkerPool> {
    const { model, hub, workers = 1, ...settings } = options;
    if (!Number.isInteger(workers) || workers < 1 || workers > availableParallelism() * 4) {
      throw new HybridRagError(
        "invalid-argument",
        `workers must be a whole number from 1 to ${availableParallelism() * 4} (4 × this machine's cores), got ${workers}.`,
      );
    }
    // Resolved here once (a Hub id is downloaded once, not by every worker); the workers read
    // the local directory, with nothing that cannot cross a thread boundary (a signal, say).
    const directory = await loadModelDirectory(model, { task: "cross-encoder", ...hub });
    const start: WorkerStartData = {
      model: directory.path,
      // A graph built from safetensors is found again in its cache (with its family's pair
      // template); an ONNX file is named.
      hub: directory.builtGraph
        ? {
            task: "cross-encoder",
            graphPrecision: directory.builtGraph.precision,
            ...(directory.builtGraph.cacheDirectory === undefined
              ? {}
              : { graphCacheDirectory: directory.builtGraph.cacheDirectory }),
          }
        : { onnxFile: relative(directory.path, directory.onnxPath) },
      settings,
    };
    const started = await Promise.allSettled(
      Array.from({ length: workers }, () => startWorker(start)),
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
    const ready = started as PromiseFulfilledResult<{ worker: PoolWorker; facts: ReadyFacts }>[];
    const pool = new CrossEncoderWorkerPool(
      start,
      ready.map((result) => result.value.worker),
      {
        ...ready[0]!.value.facts,
        source: directory.source,
      },
    );
    for (const worker of pool.#workers) pool.#watch(worker);
    return pool;
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.#workers.length;
  }

  /** Tokenises pairs in a worker; same contract as `CrossEncoder.tokenizePairs`. */
  tokenizePairs(
    pairs: readonly QueryPassagePair[],
    options: { readonly truncate?: TruncateMode; readonly signal?: AbortSignal } = {},
  ): Promise<EncodedPair[]> {
    return this.#run(
      (id) => ({ kind: "tokenize", id, pairs, truncate: options.truncate ?? "END" }),
      options.signal,
    ) as Promise<EncodedPair[]>;
  }

  /** Raw logits of pairs from `tokenizePairs`, in input order, computed in a worker. */
  scoreEncoded(
    pairs: readonly EncodedPair[],
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<Float32Array> {
    if (pairs.length === 0) return Promise.resolve(new Float32Array(0));
    return this.#run(
      (id) => ({ kind: "score", id, pairs }),
      options.signal,
    ) as Promise<Float32Array>;
  }

  /** Tokenises and scores one query's passages in one worker trip (what a reranker needs). */
  scorePairs(
    query: string,
    passages: readonly string[],
    options: { readonly truncate?: TruncateMode; readonly signal?: AbortSignal } = {},
  ): Promise<Float32Array> {
    if (passages.length === 0) return Promise.resolve(new Float32Array(0));
    return this.#run(
      (id) => ({ kind: "score-pairs", id, query, passages, truncate: options.truncate ?? "END" }),
      options.signal,
    ) as Promise<Float32Array>;
  }

  /**
   * Stops every worker: tasks in flight fail with `unavailable` at once; each worker finishes the
   * model run in progress (a thread cannot be stopped inside onnxruntime without aborting the
   * process), releases its session and exits. After `graceMs` a worker still running is
   * terminated anyway.
   */
  async release(graceMs = 30_000): Promise<void> {
    this.#released = true;
    const workers = this.#workers.splice(0);
    for (const worker of workers) failAll(worker, "the worker pool was released");
    await Promise.all(
      workers.map(async (worker) => {
        if (worker.thread.threadId < 0) return; // already gone
        const exited = new Promise((resolve) => worker.thread.once("exit", resolve));
        worker.thread.postMessage({ kind: "close" } satisfies WorkerTask);
        const timer = setTimeout(() => void worker.thread.terminate(), graceMs);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  #run(task: (id: number) => WorkerTask, signal: AbortSignal | undefined): Promise<unknown> {
    throwIfAborted(signal, "cross-encoder worker task");
    if (this.#released || this.#workers.length === 0) {
      return Promise.reject(
        new HybridRagError("unavailable", "The cross-encoder worker pool has been released."),
      );
    }
    const worker = this.#workers.reduce((best, candidate) =>
      candidate.pending.size < best.pending.size ? candidate : best,
    );
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        worker.pending.delete(id);
        worker.thread.postMessage({ kind: "cancel", id } satisfies WorkerTask);
        reject(abortError(signal!, "cross-encoder worker task"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      worker.pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      try {
        worker.thread.postMessage(task(id));
      } catch (error) {
        worker.pending.delete(id);
        signal?.removeEventListener("abort", onAbort);
        reject(
          new HybridRagError(
            "invalid-argument",
            `Cannot send the task to a worker: ${String(error)}`,
          ),
        );
      }
    });
  }

  /** Routes a worker's replies to its tasks; replaces it if it dies. */
  #watch(worker: PoolWorker): void {
    worker.thread.on("message", (reply: WorkerReply) => {
      if (reply.kind === "ready" || reply.kind === "load-failed") return;
      const task = worker.pending.get(reply.id);
      if (!task) return; // cancelled meanwhile
      worker.pending.delete(reply.id);
      if (reply.kind === "failed") task.reject(deserialize(reply.error));
      else if (reply.kind === "tokenized") task.resolve(reply.pairs);
      else task.resolve(reply.scores);
    });
    worker.thread.once("exit", (code) => {
      failAll(worker, `the worker thread exited with code ${code}`);
      const position = this.#workers.indexOf(worker);
      if (position < 0 || this.#released) return;
      this.#workers.splice(position, 1);
      void startWorker(this.#start).then(
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

export function createCrossEncoderWorkerPool(
  options: CrossEncoderWorkerPoolOptions,
): Promise<CrossEncoderWorkerPool> {
  return CrossEncoderWorkerPool.create(options);
}

function startWorker(start: WorkerStartData): Promise<{ worker: PoolWorker; facts: ReadyFacts }> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(workerUrl, { workerData: start });
    const onExit = (code: number) =>
      reject(
        new HybridRagError(
          "unavailable",
          `The cross-encoder worker exited (code ${code}) before loading ${start.model}.`,
        ),
      );
    thread.once("error", (error) => reject(toLoadError(error, start.model)));
    thread.once("exit", onExit);
    thread.once("message", (reply: WorkerReply) => {
      thread.off("exit", onExit);
      thread.removeAllListeners("error");
      thread.on("error", () => {}); // reported through "exit"
      if (reply.kind === "ready") {
        const { kind: _kind, ...facts } = reply;
        resolve({ worker: { thread, pending: new Map() }, facts });
      } else if (reply.kind === "load-failed") {
        void thread.terminate();
        reject(deserialize(reply.error));
      }
    });
  });
}

function toLoadError(error: unknown, model: string): HybridRagError {
  if (HybridRagError.isInstance(error)) return error;
  return new HybridRagError(
    "unavailable",
    `The cross-encoder worker failed while loading ${model}: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

function failAll(worker: PoolWorker, reason: string): void {
  const error = new HybridRagError(
    "unavailable",
    `A cross-encoder task was lost: ${reason}. Retry the request.`,
  );
  for (const task of worker.pending.values()) task.reject(error);
  worker.pending.clear();
}

function deserialize(error: SerializedError): HybridRagError {
  return new HybridRagError(
    error.code,
    error.message,
    error.details ? { details: error.details } : {},
  );
}
