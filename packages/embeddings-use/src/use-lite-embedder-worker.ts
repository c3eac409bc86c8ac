import { serveEmbedderWorker } from "@hybrid-rag/core/worker-pool";
import { createUseLiteEmbedder } from "./use-lite-embedder.ts";
import type { UseLiteEmbedderOptions } from "./use-lite-options.ts";

// One USE-lite model per worker thread: TensorFlow.js's WASM backend runs on one thread in Node
// (no threaded build there), so a pool of these is how the embedder uses every core.
await serveEmbedderWorker<UseLiteEmbedderOptions>("USE-lite embedder", async (options) => {
  const embedder = await createUseLiteEmbedder(options);
  return {
    embedder,
    details: { backend: embedder.backend, maxTokens: embedder.maxTokens, ...embedder.model },
    release: () => embedder.release(),
  };
});
