import { HybridRagError } from "@hybrid-rag/core";
import {
  type PipelineSpec,
  type PipelineSpecInput,
  parsePipelineSpec,
  useLiteModel,
} from "@hybrid-rag/pipeline";

/**
 * What the demo runs with no environment and no `--spec`: embedded BM25 (english analyzer) and
 * vector index, USE-lite from npm as the embedder (dense works offline on a fresh machine), no
 * reranker, RRF (k = 60, client-side: no licensed server feature).
 */
export const demoDefaultSpec: PipelineSpecInput = {
  version: 1,
  sparse: { engine: "bm25", analyzer: "english" },
  dense: { engine: "vector-index", metric: "cosine" },
  embedder: { model: useLiteModel },
  fusion: { method: "rrf", k: 60 },
};

/** The environment variables that stand for spec fields (each set one overrides its field). */
export interface DemoSpecVariables {
  readonly elasticsearchUrl?: string | undefined;
  readonly qdrantUrl?: string | undefined;
  readonly indexName: string;
  readonly embeddingModelPath?: string | undefined;
  readonly rerankerModelPath?: string | undefined;
  readonly rerankerUrl?: string | undefined;
  readonly rerankerModelName?: string | undefined;
  /** RERANKER_URL is a VLM reranker: the spec's `reranker.images`. */
  readonly rerankerImages?: boolean | undefined;
  readonly executionProvider?: PipelineSpec["executionProvider"] | undefined;
  readonly fusion?: PipelineSpec["fusion"] | undefined;
}

/**
 * The demo's spec: `base` (a `--spec` file, else `demoDefaultSpec`) with each environment
 * variable that is set written over its field. A server URL moves its side onto the server
 * (index and collection named by DEMO_INDEX_NAME), keeping the base's BM25 and metric settings.
 */
export function demoSpec(
  variables: DemoSpecVariables,
  base: PipelineSpecInput = demoDefaultSpec,
): PipelineSpec {
  const spec = parsePipelineSpec(base, "the demo's base spec");
  if (variables.rerankerImages === true && !variables.rerankerUrl) {
    throw new HybridRagError(
      "invalid-argument",
      "RERANKER_IMAGES is for a NIM VLM reranker behind RERANKER_URL, and RERANKER_URL is not set: set it, or leave RERANKER_IMAGES out (a local VLM folder in RERANKER_MODEL_PATH is recognised from its config.json).",
    );
  }
  // A VLM endpoint stays one when RERANKER_URL only moves it (the base spec's `images`).
  const images = variables.rerankerImages ?? spec.reranker?.images;
  const bm25 = spec.sparse ?? { analyzer: "english" as const, k1: 1.2, b: 0.75 };
  const overrides: Partial<PipelineSpecInput> = {
    ...(variables.elasticsearchUrl
      ? {
          sparse: {
            engine: "elasticsearch",
            url: variables.elasticsearchUrl,
            index: variables.indexName,
            analyzer: bm25.analyzer,
            k1: bm25.k1,
            b: bm25.b,
          },
        }
      : {}),
    ...(variables.qdrantUrl
      ? {
          dense: {
            engine: "qdrant",
            url: variables.qdrantUrl,
            collection: variables.indexName,
            metric: spec.dense?.metric ?? "cosine",
          },
        }
      : {}),
    ...(variables.embeddingModelPath
      ? { embedder: { ...spec.embedder, model: variables.embeddingModelPath } }
      : {}),
    ...(variables.rerankerUrl
      ? {
          reranker: {
            model: variables.rerankerUrl,
            api: "nim",
            // The id the server lists at GET /v1/models (compose serves it as "reranker").
            endpointModel: variables.rerankerModelName ?? "reranker",
            ...(images ? { images: true } : {}),
          },
        }
      : variables.rerankerModelPath
        ? { reranker: { model: variables.rerankerModelPath } }
        : {}),
    ...(variables.executionProvider ? { executionProvider: variables.executionProvider } : {}),
    ...(variables.fusion ? { fusion: variables.fusion } : {}),
  };
  return parsePipelineSpec({ ...spec, ...overrides }, "the demo's spec with the environment");
}
