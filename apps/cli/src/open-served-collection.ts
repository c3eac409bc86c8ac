import type { EmbeddedCollection } from "@hybrid-rag/collection";
import type { Reranker } from "@hybrid-rag/core";
import { createWorkerPoolReranker } from "@hybrid-rag/reranker";
import { openQueryableCollection } from "./collection-model.ts";
import { loadReranker, type ModelFlags } from "./model-options.ts";

export interface ServedCollection {
  readonly collection: EmbeddedCollection;
  /** Frees the models (call on shutdown). */
  release(): Promise<void>;
}

/**
 * Opens a collection directory for `hybrid-rag mcp` and `hybrid-rag serve`, with the embedder it
 * was built with unless `--embedding-model` was given (as `hybrid-rag search` does).
 */
export async function openServedCollection(
  directory: string,
  flags: ModelFlags & { readonly modelGiven: boolean },
  options: { readonly rerankOnWorkers?: boolean } = {},
): Promise<ServedCollection> {
  const { collection, loaded, reranker } = await openQueryableCollection(directory, flags, () =>
    loadServedReranker(flags, options.rerankOnWorkers === true),
  );
  return {
    collection,
    async release() {
      // In-process models hold ONNX sessions or a TensorFlow.js backend; remote ones hold nothing.
      const scorer = reranker as
        | { crossEncoder?: { release(): Promise<void> }; workerPool?: { release(): Promise<void> } }
        | undefined;
      await scorer?.crossEncoder?.release();
      await scorer?.workerPool?.release();
      await loaded?.release?.();
    },
  };
}

/**
 * A server reranks inside request handlers: an in-process cross-encoder then runs on a worker
 * thread (tokenising and the model), so health checks and other requests are answered meanwhile.
 */
async function loadServedReranker(
  flags: ModelFlags,
  onWorkers: boolean,
): Promise<Reranker | undefined> {
  const model = flags.rerankerModel.trim();
  const inProcess = model !== "" && model !== "none" && !/^https?:\/\//i.test(model);
  if (!onWorkers || !inProcess) return loadReranker(flags);
  return createWorkerPoolReranker({ model, executionProvider: flags.executionProvider });
}
