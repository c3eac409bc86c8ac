import { type EmbeddedCollection, ImageStore } from "@hybrid-rag/collection";
import { buildReranker } from "@hybrid-rag/pipeline";
import { openQueryableCollection } from "./collection-model.ts";
import type { CommandSpec } from "./spec-options.ts";

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
  commandSpec: CommandSpec,
  options: { readonly rerankOnWorkers?: boolean } = {},
): Promise<ServedCollection> {
  // A server reranks inside request handlers: an in-process cross-encoder then runs on a worker
  // thread (tokenising and the model), so health checks and other requests are answered meanwhile.
  const { collection, release } = await openQueryableCollection(
    directory,
    commandSpec,
    async (spec) =>
      spec.reranker
        ? buildReranker(spec.reranker, {
            executionProvider: spec.executionProvider,
            options: {
              rerankerOnWorker: options.rerankOnWorkers === true,
              // An image-aware reranker reads stored images (documents with a figure) from here.
              imageResolver: new ImageStore({ directory }),
            },
          })
        : undefined,
  );
  return { collection, release };
}
