import { createBm25Index } from "@hybrid-rag/bm25";
import { createFusion } from "@hybrid-rag/fusion";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import { composePipeline } from "./compose-pipeline.ts";
import type { EngineSettings } from "./engine-settings.ts";
import type { BenchmarkEngines } from "./engines.ts";
import { loadEmbedder, loadReranker } from "./model-engines.ts";

/**
 * Everything in this process: the Lucene-exact embedded BM25, the embedded vector index with an
 * ONNX bi-encoder, and an ONNX cross-encoder.
 */
export function createEmbeddedEngines(settings: EngineSettings): BenchmarkEngines {
  return {
    backend: "embedded",
    async createSparse() {
      const { analyzer, k1, b } = settings;
      return {
        value: createBm25Index({ name: "bm25", analyzer, k1, b }),
        configuration: { engine: "@hybrid-rag/bm25", analyzer, k1, b, fields: ["title", "text"] },
      };
    },
    async createDense() {
      const embedder = await loadEmbedder(settings);
      return {
        value: createVectorIndex({ embedder: embedder.value, metric: "cosine", name: "dense" }),
        ...(embedder.close ? { close: embedder.close } : {}),
        get configuration() {
          return {
            engine:
              "@hybrid-rag/vector-index (exact, cosine) + @hybrid-rag/embeddings (onnxruntime)",
            ...embedder.configuration,
          };
        },
      };
    },
    createReranker: () => loadReranker(settings),
    createPipeline(parts) {
      const fusion = { value: createFusion(settings.fusion), configuration: settings.fusion };
      return composePipeline(parts, fusion);
    },
  };
}
