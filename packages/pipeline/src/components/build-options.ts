import type { ImageResolver } from "@hybrid-rag/core";
import type { ExecutionProviderChoice } from "@hybrid-rag/models";
import type { PageImageSource } from "../page-images.ts";

/** How an app wants the spec's components built (what the spec, being portable, leaves out). */
export interface BuildComponentsOptions {
  /**
   * Worker threads for an in-process embedder, one model each (what ingest uses to embed on
   * every core). Omitted or 0: the model runs on the calling thread.
   */
  readonly embedderWorkers?: number;
  /** Run an in-process cross-encoder on a worker thread (keeps an HTTP thread responsive). */
  readonly rerankerOnWorker?: boolean;
  /** Retriever names (they key provenance and fusion weights). Default `bm25` and `dense`. */
  readonly names?: { readonly sparse?: string; readonly dense?: string };
  /** Elasticsearch index / Qdrant collection when the spec names none. */
  readonly defaultIndexName?: string;
  /**
   * API keys of endpoints. Default: `HYBRID_RAG_EMBEDDING_API_KEY` and
   * `HYBRID_RAG_RERANKER_API_KEY` from the environment: a spec never holds a secret.
   */
  readonly apiKeys?: { readonly embedder?: string; readonly reranker?: string };
  /**
   * Reads the stored images of candidates (a collection's `images`): an image-aware reranker
   * (an in-process VLM, a NIM endpoint with `reranker.images`) resolves their references with it.
   */
  readonly imageResolver?: ImageResolver;
  /** Where a spec's `pageImages: "add"` finds page images (the collection the app searches). */
  readonly pageImageSource?: PageImageSource;
}

/** What every built part needs from the spec besides its own section. */
export interface ModelBuildContext {
  readonly executionProvider: ExecutionProviderChoice;
  readonly options: BuildComponentsOptions;
}

export const defaultRetrieverNames = { sparse: "bm25", dense: "dense" } as const;

export function embedderApiKey(options: BuildComponentsOptions): string | undefined {
  return options.apiKeys?.embedder ?? process.env.HYBRID_RAG_EMBEDDING_API_KEY;
}

export function rerankerApiKey(options: BuildComponentsOptions): string | undefined {
  return options.apiKeys?.reranker ?? process.env.HYBRID_RAG_RERANKER_API_KEY;
}
