import { HybridRagError } from "@hybrid-rag/core";
import { createOnnxEmbedder, type OnnxEmbedder } from "@hybrid-rag/embeddings";
import { type CrossEncoderReranker, createCrossEncoderReranker } from "@hybrid-rag/reranker";
import type { EngineSettings } from "./engine-settings.ts";
import type { Built } from "./engines.ts";
import { sha256File } from "./file-hash.ts";
import { parseModelSpec } from "./model-spec.ts";

/** The ONNX bi-encoder of `--embedding-model`, with what the JSON report records about it. */
export async function loadEmbedder(settings: EngineSettings): Promise<Built<OnnxEmbedder>> {
  const model = localModel(settings.embeddingModel, "--embedding-model", "embedding");
  const embedder = await createOnnxEmbedder({
    model,
    name: "onnx-embedder",
    executionProvider: settings.executionProvider,
    prefixes: settings.embeddingPrefixes,
  });
  return {
    value: embedder,
    configuration: {
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
}

/** The ONNX cross-encoder of `--reranker-model`. */
export async function loadReranker(settings: EngineSettings): Promise<Built<CrossEncoderReranker>> {
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
}

/** The model folder or Hub id; "none" and endpoints are reasons to skip, said plainly. */
function localModel(value: string, option: string, what: string): string {
  const spec = parseModelSpec(value, option);
  if (spec.kind === "none") {
    throw new HybridRagError("unavailable", `no ${what} model (${option} none).`);
  }
  if (spec.kind === "endpoint") {
    throw new HybridRagError(
      "unsupported",
      `remote ${what} endpoints (${spec.url}) are not wired into the benchmark yet; pass a model folder or a Hugging Face id to ${option}.`,
    );
  }
  return spec.model;
}
