import { serveEmbedderWorker } from "@hybrid-rag/core/worker-pool";
import { createOnnxEmbedder, type OnnxEmbedderOptions } from "./onnx-embedder.ts";

/** What the pool hands each worker: a local model directory (resolved once) and the settings. */
export type OnnxEmbedderWorkerStart = Omit<OnnxEmbedderOptions, "model"> & {
  readonly model: string;
};

// One onnxruntime session per worker thread: tokenising, batching and run() happen here.
await serveEmbedderWorker<OnnxEmbedderWorkerStart>("ONNX embedder", async (options) => {
  const embedder = await createOnnxEmbedder(options);
  return {
    embedder,
    details: {
      source: embedder.model.source,
      provider: embedder.provider,
      fallbackReason: embedder.fallbackReason ?? null,
      pooling: embedder.pooling,
      normalize: embedder.normalize,
    },
    release: () => embedder.release(),
  };
});
