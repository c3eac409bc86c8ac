import { homedir } from "node:os";
import { join } from "node:path";
import type { PrefixPreset } from "@hybrid-rag/embeddings";
import type { FusionConfig } from "@hybrid-rag/fusion";
import type { ExecutionProviderChoice } from "@hybrid-rag/models";

/** What the command line chose for the engines (recorded verbatim in the JSON report). */
export interface EngineSettings {
  readonly analyzer: "standard" | "english";
  readonly k1: number;
  readonly b: number;
  /** A model directory, a Hugging Face id, an http(s) endpoint, or "none". */
  readonly embeddingModel: string;
  readonly rerankerModel: string;
  /** Which API an http(s) `embeddingModel` speaks, the model name it serves, its vector length. */
  readonly embeddingApi: "nim" | "tei" | "openai";
  readonly embeddingEndpointModel?: string;
  readonly embeddingDimension?: number;
  /** Which API an http(s) `rerankerModel` speaks and the model name it serves. */
  readonly rerankerApi: "nim" | "tei" | "cohere";
  readonly rerankerEndpointModel?: string;
  readonly executionProvider: ExecutionProviderChoice;
  /** Query/passage prefixes the embedding model was trained with. */
  readonly embeddingPrefixes: PrefixPreset;
  /** Directory for on-disk passage vectors of `use-lite` (keyed by weights hash), or none. */
  readonly embeddingCache?: string;
  readonly fusion: FusionConfig;
  readonly elasticsearchUrl?: string;
  readonly qdrantUrl?: string;
}

export const defaultEmbeddingModel = "BAAI/bge-small-en-v1.5";
export const defaultRerankerModel = "cross-encoder/ms-marco-MiniLM-L-6-v2";

/** Where `--embedding-model use-lite` keeps corpus vectors between runs (git-ignored, per user). */
export const defaultEmbeddingCache = join(homedir(), ".cache", "hybrid-rag", "embeddings");
