import { createBm25Index } from "@hybrid-rag/bm25";
import { HybridRagError } from "@hybrid-rag/core";
import { createFusion } from "@hybrid-rag/fusion";
import { createCrossEncoderReranker } from "@hybrid-rag/reranker";
import type { EngineSettings } from "./engine-settings.ts";
import type { BenchmarkEngines, Built } from "./engines.ts";
import { sha256File } from "./file-hash.ts";
import { parseModelSpec } from "./model-spec.ts";
import { stagePipeline } from "./stage-pipeline.ts";

/**
 * Everything in this process: the Lucene-exact embedded BM25, the embedded vector index with an
 * ONNX bi-encoder, and an ONNX cross-encoder.
 */
export function createEmbeddedEngines(settings: EngineSettings): BenchmarkEngines {
  return {
    backend: "embedded",
    async createSparse() {
      const index = createBm25Index({
        name: "bm25",
        analyzer: settings.analyzer,
        k1: settings.k1,
        b: settings.b,
      });
      return {
        value: index,
        configuration: {
          engine: "@hybrid-rag/bm25",
          analyzer: settings.analyzer,
          k1: settings.k1,
          b: settings.b,
          fields: ["title", "text"],
        },
      };
    },
    async createDense() {
      const spec = parseModelSpec(settings.embeddingModel, "--embedding-model");
      if (spec.kind === "none")
        throw new HybridRagError("unavailable", "no embedding model (--embedding-model none).");
      throw new HybridRagError(
        "unsupported",
        `the embedded dense retriever needs @hybrid-rag/embeddings, which this build does not include yet (model ${settings.embeddingModel}).`,
      );
    },
    async createReranker() {
      const spec = parseModelSpec(settings.rerankerModel, "--reranker-model");
      if (spec.kind === "none")
        throw new HybridRagError("unavailable", "no reranker model (--reranker-model none).");
      if (spec.kind === "endpoint") {
        throw new HybridRagError(
          "unsupported",
          `remote rerankers (${spec.url}) are not available in this build yet.`,
        );
      }
      const reranker = await createCrossEncoderReranker({
        model: spec.model,
        executionProvider: settings.executionProvider,
      });
      const model = reranker.crossEncoder.model;
      return {
        value: reranker,
        configuration: {
          engine: "@hybrid-rag/reranker cross-encoder (onnxruntime)",
          model: model.source,
          revision: model.revision ?? null,
          onnxFile: model.onnxPath,
          onnxSha256: await sha256File(model.onnxPath),
          maxLength: reranker.crossEncoder.maxLength,
          executionProvider: settings.executionProvider,
        },
      } satisfies Built<typeof reranker>;
    },
    createPipeline(parts) {
      const fusion = createFusion(settings.fusion);
      return {
        value: stagePipeline({ ...parts, fusion }),
        configuration: {
          retrievers: parts.retrievers.map((retriever) => retriever.name),
          fusion: parts.retrievers.length > 1 ? settings.fusion : null,
          reranker: parts.reranker?.name ?? null,
          topK: parts.topK,
          rerankTop: parts.reranker ? parts.rerankTop : null,
        },
      };
    },
  };
}
