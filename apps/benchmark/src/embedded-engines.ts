import { createFusion } from "@hybrid-rag/fusion";
import { buildDenseRetriever, buildSparseRetriever } from "@hybrid-rag/pipeline";
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
        value: (await buildSparseRetriever({ engine: "bm25", analyzer, k1, b })).retriever,
        configuration: { engine: "@hybrid-rag/bm25", analyzer, k1, b, fields: ["title", "text"] },
      };
    },
    async createDense() {
      const embedder = await loadEmbedder(settings);
      return {
        value: (
          await buildDenseRetriever(
            { engine: "vector-index", metric: "cosine" },
            embedder.value,
            64,
          )
        ).retriever,
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
