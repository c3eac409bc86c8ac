import type { Document, Reranker } from "@hybrid-rag/core";
import type { TruncateMode } from "./cross-encoder-options.ts";
import {
  checkRerankSettings,
  checkSharedOrOptions,
  imageScoringRerank,
  scoringRerank,
} from "./cross-encoder-reranker.ts";
import {
  CrossEncoderWorkerPool,
  type CrossEncoderWorkerPoolOptions,
} from "./cross-encoder-worker-pool.ts";
import { defaultPassageText } from "./rerank-hits.ts";
import type { ImageReadingOptions } from "./vision-documents.ts";

export interface WorkerPoolRerankerOptions extends Partial<CrossEncoderWorkerPoolOptions> {
  /** Share a pool (with a reranking server, say) instead of starting one for `model`. */
  readonly workerPool?: CrossEncoderWorkerPool;
  readonly name?: string;
  /** "none" keeps raw logits (as NIM returns them); "sigmoid" maps them to 0..1. */
  readonly activation?: "none" | "sigmoid";
  readonly truncate?: TruncateMode;
  readonly passageText?: (document: Document) => string;
  /**
   * Vision-language models: bounds on passage images, and the reader of collection-stored
   * images. References are read on the calling thread and their bytes sent to the worker.
   */
  readonly images?: ImageReadingOptions;
}

export interface WorkerPoolReranker extends Reranker {
  readonly workerPool: CrossEncoderWorkerPool;
}

/**
 * `createCrossEncoderReranker` with tokenising and the model on worker threads
 * (`CrossEncoderWorkerPool`): same scores, and the caller's event loop stays free — what a server
 * that reranks inside request handlers needs.
 */
export async function createWorkerPoolReranker(
  options: WorkerPoolRerankerOptions,
): Promise<WorkerPoolReranker> {
  const {
    workerPool: given,
    name = "cross-encoder",
    activation = "none",
    truncate = "END",
    passageText = defaultPassageText,
    images = {},
    ...poolOptions
  } = options;
  checkRerankSettings(activation, truncate);
  checkSharedOrOptions("createWorkerPoolReranker", "workerPool", given, poolOptions);
  const workerPool =
    given ?? (await CrossEncoderWorkerPool.create(poolOptions as CrossEncoderWorkerPoolOptions));
  const settings = { activation, truncate, passageText };
  return {
    name,
    workerPool,
    // A vision-language model scores image passages, as createCrossEncoderReranker's does.
    ...(workerPool.acceptsImages ? { accepts: { images: true as const } } : {}),
    rerank: workerPool.acceptsImages
      ? imageScoringRerank(name, workerPool, settings, images)
      : scoringRerank(name, workerPool, settings),
  };
}
