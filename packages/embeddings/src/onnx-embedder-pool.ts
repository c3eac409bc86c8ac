import { availableParallelism } from "node:os";
import { relative } from "node:path";
import type { Embedder } from "@hybrid-rag/core";
import { EmbedderWorkerPool, siblingModuleUrl } from "@hybrid-rag/core/worker-pool";
import {
  type ExecutionProvider,
  gpuProviders,
  loadModelDirectory,
  type ModelDirectory,
} from "@hybrid-rag/models";
import type { OnnxEmbedderOptions } from "./onnx-embedder.ts";
import type { OnnxEmbedderWorkerStart } from "./onnx-embedder-worker.ts";

export interface OnnxEmbedderPoolOptions extends Omit<OnnxEmbedderOptions, "model"> {
  /** A model directory path or a Hub id (downloaded once, then read by every worker). */
  readonly model: string;
  /** Worker threads, one session each (memory × workers). Default: one per core, 1 for an explicit GPU provider. */
  readonly workers?: number;
  /** Tasks queued per worker (default 2); further texts wait in the pool (bounded memory). */
  readonly tasksPerWorker?: number;
}

export interface OnnxEmbedderPool extends Embedder {
  /** The model directory as the calling thread read it (its tokenizer sizes chunks). */
  readonly model: ModelDirectory;
  readonly workers: number;
  /** What the workers' sessions report: provider in use, fallback reason, pooling. */
  readonly details: Readonly<Record<string, unknown>>;
  release(): Promise<void>;
}

const workerUrl = siblingModuleUrl("onnx-embedder-worker", import.meta.url);

/**
 * `createOnnxEmbedder` on worker threads: each worker holds a session and tokenises and batches
 * its own share of a call's texts, so ingest uses every core. Each worker's onnxruntime gets
 * cores ÷ workers intra-op threads unless `intraOpThreads` says otherwise.
 */
export async function createOnnxEmbedderPool(
  options: OnnxEmbedderPoolOptions,
): Promise<OnnxEmbedderPool> {
  const { model: modelOption, hub, workers: workersOption, tasksPerWorker, ...settings } = options;
  // A GPU runs one batch at a time anyway; "auto" is taken as the CPU (set workers on a GPU host).
  const onGpu = gpuProviders.includes(settings.executionProvider as ExecutionProvider);
  const workers = workersOption ?? (onGpu ? 1 : availableParallelism());
  const model = await loadModelDirectory(modelOption, hub);
  const start: OnnxEmbedderWorkerStart = {
    ...settings,
    model: model.path,
    hub: { onnxFile: relative(model.path, model.onnxPath) },
    intraOpThreads:
      settings.intraOpThreads ?? Math.max(1, Math.floor(availableParallelism() / workers)),
  };
  const pool = await EmbedderWorkerPool.start({
    label: "ONNX embedder",
    workerUrl,
    start,
    workers,
    textsPerTask: settings.maxBatchSize ?? 64,
    // About one model batch of text per task (≈ 4 characters a token).
    charactersPerTask: (settings.maxTokensPerBatch ?? 4096) * 4,
    ...(tasksPerWorker !== undefined ? { tasksPerWorker } : {}),
  });
  return {
    name: pool.name,
    dimension: pool.dimension,
    model,
    workers: pool.workers,
    details: pool.details,
    embedQueries: (texts, embedOptions) => pool.embedQueries(texts, embedOptions),
    embedPassages: (texts, embedOptions) => pool.embedPassages(texts, embedOptions),
    release: () => pool.release(),
  };
}
