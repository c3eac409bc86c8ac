// `@hybrid-rag/core/worker-pool`: worker threads that each load one model, for the packages that
// run models in-process (cross-encoder, embedders). Node only: kept out of the main entry point.
export type { EmbedderFacts, EmbedTask } from "./embedder-worker-messages.ts";
export { EmbedderWorkerPool, type EmbedderWorkerPoolOptions } from "./embedder-worker-pool.ts";
export { type LoadedWorkerEmbedder, serveEmbedderWorker } from "./serve-embedder-worker.ts";
export { serveWorker, type WorkerService } from "./serve-worker.ts";
export { siblingModuleUrl } from "./sibling-module-url.ts";
export type { SerializedError } from "./worker-messages.ts";
export { checkWorkerCount, WorkerPool, type WorkerPoolOptions } from "./worker-pool.ts";
