import { availableParallelism } from "node:os";
import { parseWithSchema } from "@hybrid-rag/core";
import { EmbedderWorkerPool, siblingModuleUrl } from "@hybrid-rag/core/worker-pool";
import { type UseLiteEmbedderOptions, useLiteEmbedderSchema } from "./use-lite-options.ts";

export interface UseLiteEmbedderPoolOptions extends UseLiteEmbedderOptions {
  /** Worker threads, one model each (≈ 100 MB per worker). Default: one per core. */
  readonly workers?: number;
  /** Tasks queued per worker (default 2); further texts wait in the pool (bounded memory). */
  readonly tasksPerWorker?: number;
}

const workerUrl = siblingModuleUrl("use-lite-embedder-worker", import.meta.url);

/**
 * USE-lite on every core: `createUseLiteEmbedder`'s model in each of `workers` threads, as one
 * `Embedder`. Same vectors as the single embedder (same code per text, in a worker); use it for
 * ingest, where throughput matters, and `release()` it when done.
 */
export async function createUseLiteEmbedderPool(
  options: UseLiteEmbedderPoolOptions = {},
): Promise<EmbedderWorkerPool> {
  const { workers = availableParallelism(), tasksPerWorker, ...embedderOptions } = options;
  const settings = parseWithSchema(
    useLiteEmbedderSchema,
    embedderOptions,
    "USE-lite embedder options",
  );
  return EmbedderWorkerPool.start({
    label: "USE-lite embedder",
    workerUrl,
    start: settings,
    workers,
    // A task is at most one model batch, so a call spreads over every worker.
    textsPerTask: settings.maxBatchSize,
    charactersPerTask: settings.maxTokensPerBatch * 4,
    ...(tasksPerWorker !== undefined ? { tasksPerWorker } : {}),
  });
}
