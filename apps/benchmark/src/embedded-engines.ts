import { createBm25Index } from "@hybrid-rag/bm25";
import { HybridRagError } from "@hybrid-rag/core";
import { createOnnxEmbedder } from "@hybrid-rag/embeddings";
import { createFusion } from "@hybrid-rag/fusion";
import { createCrossEncoderReranker } from "@hybrid-rag/reranker";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import { composePipeline } from "./compose-pipeline.ts";
import type { EngineSettings } from "./engine-settings.ts";
import type { BenchmarkEngines } from "./engines.ts";
import { sha256File } from "./file-hash.ts";
import { parseModelSpec } from "./model-spec.ts";

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
      const model = localModel(settings.embeddingModel, "--embedding-model", "embedding");
      const embedder = await createOnnxEmbedder({
        model,
        name: "onnx-embedder",
        executionProvider: settings.executionProvider,
        prefixes: settings.embeddingPrefixes,
      });
      return {
        value: createVectorIndex({ embedder, metric: "cosine", name: "dense" }),
        configuration: {
          engine: "@hybrid-rag/vector-index (exact, cosine) + @hybrid-rag/embeddings (onnxruntime)",
          model: embedder.model.source,
          revision: embedder.model.revision ?? null,
          onnxFile: embedder.model.onnxPath,
          onnxSha256: await sha256File(embedder.model.onnxPath),
          dimension: embedder.dimension,
          pooling: embedder.pooling,
          normalize: embedder.normalize,
          prefixes: settings.embeddingPrefixes,
          executionProvider: embedder.provider,
          providerFallback: embedder.fallbackReason ?? null,
        },
      };
    },
    async createReranker() {
      const model = localModel(settings.rerankerModel, "--reranker-model", "reranker");
      const reranker = await createCrossEncoderReranker({
        model,
        executionProvider: settings.executionProvider,
      });
      const loaded = reranker.crossEncoder.model;
      return {
        value: reranker,
        configuration: {
          engine: "@hybrid-rag/reranker cross-encoder (onnxruntime)",
          model: loaded.source,
          revision: loaded.revision ?? null,
          onnxFile: loaded.onnxPath,
          onnxSha256: await sha256File(loaded.onnxPath),
          maxLength: reranker.crossEncoder.maxLength,
          executionProvider: settings.executionProvider,
        },
      };
    },
    createPipeline(parts) {
      return composePipeline(parts, {
        value: createFusion(settings.fusion),
        configuration: settings.fusion,
      });
    },
  };
}

/** The model folder or Hub id; "none" and endpoints are reasons to skip, said plainly. */
function localModel(value: string, option: string, what: string): string {
  const spec = parseModelSpec(value, option);
  if (spec.kind === "none")
    throw new HybridRagError("unavailable", `no ${what} model (${option} none).`);
  if (spec.kind === "endpoint") {
    throw new HybridRagError(
      "unsupported",
      `remote ${what} endpoints (${spec.url}) are not wired into the benchmark yet; pass a model folder or a Hugging Face id to ${option}.`,
    );
  }
  return spec.model;
}
