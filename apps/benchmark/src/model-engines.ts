import { availableParallelism } from "node:os";
import { basename, dirname } from "node:path";
import type { Embedder, Reranker } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import type { OnnxEmbedder } from "@hybrid-rag/embeddings";
import type { ModelDirectory } from "@hybrid-rag/models";
import {
  type BuiltEmbedder,
  buildEmbedder,
  buildReranker,
  isNoModel,
  modelReference,
} from "@hybrid-rag/pipeline";
import type { CrossEncoderReranker } from "@hybrid-rag/reranker";
import { createCachedEmbedder } from "./embedding-cache.ts";
import type { EngineSettings } from "./engine-settings.ts";
import type { Built } from "./engines.ts";
import { sha256File } from "./file-hash.ts";

// Models are built by @hybrid-rag/pipeline's factory (the one place a model name becomes a
// component); this file records what was built, for results.json.

/** The spec's embedder part, as the command line chose it. */
function embedderSpec(settings: EngineSettings) {
  return {
    model: settings.embeddingModel,
    api: settings.embeddingApi,
    ...(settings.embeddingEndpointModel ? { endpointModel: settings.embeddingEndpointModel } : {}),
    ...(settings.embeddingDimension ? { dimension: settings.embeddingDimension } : {}),
    prefixes: settings.embeddingPrefixes,
    embedBatchSize: 64,
  };
}

/** The bi-encoder of `--embedding-model` (in-process ONNX or an endpoint) and what to record about it. */
export async function loadEmbedder(settings: EngineSettings): Promise<Built<Embedder>> {
  if (isNoModel(settings.embeddingModel)) throw noModel("embedding", "--embedding-model");
  // USE-lite embeds on a worker per core (the same vectors as on one thread); ONNX on this thread.
  const useLite = modelReference(settings.embeddingModel).kind === "use-lite";
  const built = await buildEmbedder(embedderSpec(settings), {
    executionProvider: settings.executionProvider,
    options: { embedderWorkers: useLite ? availableParallelism() : 0 },
  });
  if (built.kind === "endpoint") return remoteEmbedder(settings, built);
  if (built.kind === "use-lite") return useLiteEmbedder(settings, built);
  const embedder = built.embedder as OnnxEmbedder;
  return {
    value: embedder,
    close: () => built.release(),
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

/** USE-lite's record; passage vectors cached on disk by weights hash. */
async function useLiteEmbedder(
  settings: EngineSettings,
  built: BuiltEmbedder,
): Promise<Built<Embedder>> {
  const embedder = built.embedder as Embedder & {
    details: Record<string, unknown>;
    workers: number;
  };
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
  const close = () => built.release();
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

function remoteEmbedder(settings: EngineSettings, built: BuiltEmbedder): Built<Embedder> {
  return {
    value: built.embedder,
    configuration: {
      endpoint: settings.embeddingModel.trim(),
      api: settings.embeddingApi,
      model: settings.embeddingEndpointModel ?? null,
      dimension: built.embedder.dimension,
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
  if (isNoModel(settings.rerankerModel)) throw noModel("reranker", "--reranker-model");
  const built = await buildReranker(
    {
      model: settings.rerankerModel,
      api: settings.rerankerApi,
      ...(settings.rerankerEndpointModel ? { endpointModel: settings.rerankerEndpointModel } : {}),
    },
    { executionProvider: settings.executionProvider, options: {} },
  );
  if (built.kind === "endpoint") {
    return {
      value: built.reranker,
      configuration: {
        endpoint: settings.rerankerModel.trim(),
        api: settings.rerankerApi,
        model: settings.rerankerEndpointModel ?? null,
      },
    };
  }
  const reranker = built.reranker as CrossEncoderReranker;
  const loaded = reranker.crossEncoder.model;
  const device = reranker.crossEncoder.providerReport;
  return {
    value: reranker,
    close: () => built.release(),
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

function noModel(what: string, option: string): HybridRagError {
  return new HybridRagError("unavailable", `no ${what} model (${option} none).`);
}
