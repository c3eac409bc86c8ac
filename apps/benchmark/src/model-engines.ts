import type { Embedder, Reranker } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import {
  createNimEmbedder,
  createOnnxEmbedder,
  createOpenAiEmbedder,
  createTeiEmbedder,
} from "@hybrid-rag/embeddings";
import {
  createCohereReranker,
  createCrossEncoderReranker,
  createNimReranker,
  createTeiReranker,
} from "@hybrid-rag/reranker";
import type { EngineSettings } from "./engine-settings.ts";
import type { Built } from "./engines.ts";
import { sha256File } from "./file-hash.ts";
import { parseModelSpec } from "./model-spec.ts";

/** API keys come from the environment only, so they never reach the JSON report. */
const embeddingKey = () => process.env.HYBRID_RAG_EMBEDDING_API_KEY;
const rerankerKey = () => process.env.HYBRID_RAG_RERANKER_API_KEY;

/** The bi-encoder of `--embedding-model` (in-process ONNX or an endpoint) and what to record about it. */
export async function loadEmbedder(settings: EngineSettings): Promise<Built<Embedder>> {
  const spec = parseModelSpec(settings.embeddingModel, "--embedding-model");
  if (spec.kind === "none") throw noModel("embedding", "--embedding-model");
  if (spec.kind === "endpoint") return remoteEmbedder(settings, spec.url);
  const embedder = await createOnnxEmbedder({
    model: spec.model,
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
      // The provider in use, from the loaded model; the request is kept beside it.
      executionProvider: embedder.provider,
      requestedExecutionProvider: settings.executionProvider,
      providerFallback: embedder.fallbackReason ?? null,
    },
  };
}

function remoteEmbedder(settings: EngineSettings, baseUrl: string): Built<Embedder> {
  const apiKey = embeddingKey();
  const common = {
    baseUrl,
    dimension: settings.embeddingDimension ?? 0,
    ...(apiKey ? { apiKey } : {}),
  };
  const model = settings.embeddingEndpointModel ?? "";
  const embedder =
    settings.embeddingApi === "tei"
      ? createTeiEmbedder(common)
      : settings.embeddingApi === "openai"
        ? createOpenAiEmbedder({ ...common, model })
        : createNimEmbedder({ ...common, model });
  return {
    value: embedder,
    configuration: {
      endpoint: baseUrl,
      api: settings.embeddingApi,
      model: model || null,
      dimension: embedder.dimension,
    },
  };
}

/** The reranker of `--reranker-model`: an in-process ONNX cross-encoder or an endpoint. */
export async function loadReranker(settings: EngineSettings): Promise<Built<Reranker>> {
  const spec = parseModelSpec(settings.rerankerModel, "--reranker-model");
  if (spec.kind === "none") throw noModel("reranker", "--reranker-model");
  if (spec.kind === "endpoint") return remoteReranker(settings, spec.url);
  const reranker = await createCrossEncoderReranker({
    model: spec.model,
    executionProvider: settings.executionProvider,
  });
  const loaded = reranker.crossEncoder.model;
  const device = reranker.crossEncoder.providerReport;
  return {
    value: reranker,
    configuration: {
      engine: "@hybrid-rag/reranker cross-encoder (onnxruntime)",
      model: loaded.source,
      revision: loaded.revision ?? null,
      onnxFile: reranker.crossEncoder.modelFile.path,
      onnxSha256: await sha256File(reranker.crossEncoder.modelFile.path),
      maxLength: reranker.crossEncoder.maxLength,
      precision: reranker.crossEncoder.modelFile.precision,
      // The provider in use, from the loaded model; the request is kept beside it.
      executionProvider: device.provider,
      requestedExecutionProvider: device.requestedProvider,
      allNodesOnProvider: device.allNodesOnProvider,
      providerFallback: device.fallbackReason ?? null,
    },
  };
}

function remoteReranker(settings: EngineSettings, baseUrl: string): Built<Reranker> {
  const apiKey = rerankerKey();
  const common = { baseUrl, ...(apiKey ? { apiKey } : {}) };
  const model = settings.rerankerEndpointModel ?? "";
  const reranker =
    settings.rerankerApi === "tei"
      ? createTeiReranker(common)
      : settings.rerankerApi === "cohere"
        ? createCohereReranker({ ...common, model })
        : createNimReranker({ ...common, model });
  return {
    value: reranker,
    configuration: { endpoint: baseUrl, api: settings.rerankerApi, model: model || null },
  };
}

function noModel(what: string, option: string): HybridRagError {
  return new HybridRagError("unavailable", `no ${what} model (${option} none).`);
}
