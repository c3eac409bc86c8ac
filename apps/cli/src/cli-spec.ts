import type { PipelineSpecInput, SpecFlag } from "@hybrid-rag/pipeline";
import { specFlag } from "@hybrid-rag/pipeline";

export const defaultEmbeddingModel = "BAAI/bge-small-en-v1.5";

/**
 * What the CLI runs without flags or `--spec`: the collection's embedded BM25 and vector index,
 * a bge-small bi-encoder, no reranker, RRF (k = 60), 256-token chunks, 100 candidates a side and
 * 10 passages. Each command reads the parts it uses (ingest: embedder and chunking; search,
 * serve and mcp: embedder, reranker, fusion and topK).
 */
export const cliDefaultSpec: PipelineSpecInput = {
  version: 1,
  embedder: { model: defaultEmbeddingModel },
  chunking: { maxTokens: 256 },
  topK: { retrieve: 100, final: 10 },
};

const embedderFlags: readonly SpecFlag[] = [
  specFlag("embedder.model"),
  specFlag("embedder.prefixes"),
  specFlag("embedder.api"),
  specFlag("embedder.endpointModel"),
  specFlag("embedder.dimension"),
  specFlag("executionProvider"),
];

/** `ingest`: the embedder and the chunking. */
export const ingestSpecFlags: readonly SpecFlag[] = [
  ...embedderFlags,
  specFlag("chunking.maxTokens", {
    description: "most tokens per chunk (capped at the model's input length)",
  }),
  specFlag("chunking.overlapTokens"),
];

/** `serve` and `mcp`: the models a query uses. */
export const queryModelSpecFlags: readonly SpecFlag[] = [
  ...embedderFlags,
  specFlag("reranker.model", { description: "cross-encoder for reranking" }),
  specFlag("reranker.api"),
  specFlag("reranker.endpointModel"),
  specFlag("reranker.images"),
];

/** `search`: the models, the fusion and how many hits. */
export const searchSpecFlags: readonly SpecFlag[] = [
  ...queryModelSpecFlags,
  specFlag("fusion.method", { description: fusionDescription() }),
  specFlag("topK.retrieve", { description: "hits asked of each side before fusion" }),
  specFlag("topK.final", { description: "passages to print" }),
  specFlag("pageImages"),
  specFlag("maxPageImages"),
];

function fusionDescription(): string {
  return specFlag("fusion.method").description.replace(
    "how the lists are fused",
    "how the BM25 and vector lists are fused",
  );
}
