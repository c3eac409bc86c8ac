import {
  type DocumentIndex,
  type Embedder,
  HybridRagError,
  type Retriever,
} from "@hybrid-rag/core";
import type { z } from "zod";
import type { denseSpecSchema, sparseSpecSchema } from "../pipeline-spec.ts";
import type { BuildComponentsOptions } from "./build-options.ts";
import { defaultRetrieverNames } from "./build-options.ts";

export type SparseSpec = z.output<typeof sparseSpecSchema>;
export type DenseSpec = z.output<typeof denseSpecSchema>;

/** A retriever that also takes documents (every engine here is both). */
export type IndexRetriever = Retriever & DocumentIndex;

/** A retriever the factory built; `release` closes its client, if it has one. */
export interface BuiltRetriever {
  readonly engine: string;
  readonly retriever: IndexRetriever;
  release(): Promise<void>;
}

type SparseEngine = SparseSpec["engine"];
type DenseEngine = DenseSpec["engine"];

/** How each `sparse.engine` is built; its package is imported only when it is used. */
export const sparseEngines: {
  readonly [Engine in SparseEngine]: (
    spec: Extract<SparseSpec, { engine: Engine }>,
    options: BuildComponentsOptions,
  ) => Promise<BuiltRetriever>;
} = {
  async bm25({ analyzer, k1, b }, options) {
    const { createBm25Index } = await import("@hybrid-rag/bm25");
    const name = options.names?.sparse ?? defaultRetrieverNames.sparse;
    const retriever = createBm25Index({ name, analyzer, k1, b });
    return { engine: "bm25", retriever, release: async () => undefined };
  },
  async elasticsearch({ url, index, analyzer, k1, b }, options) {
    const { createElasticsearchIndex } = await import("@hybrid-rag/elasticsearch");
    const name = options.names?.sparse ?? defaultRetrieverNames.sparse;
    const retriever = createElasticsearchIndex({
      node: required(url, "sparse.url", "--elasticsearch-url", "http://localhost:9200"),
      index: required(index ?? options.defaultIndexName, "sparse.index", undefined, "my-index"),
      name,
      analyzer,
      k1,
      b,
    });
    return { engine: "elasticsearch", retriever, release: () => retriever.client.close() };
  },
};

/** How each `dense.engine` is built around the spec's embedder. */
export const denseEngines: {
  readonly [Engine in DenseEngine]: (
    spec: Extract<DenseSpec, { engine: Engine }>,
    embedder: Embedder,
    embedBatchSize: number,
    options: BuildComponentsOptions,
  ) => Promise<BuiltRetriever>;
} = {
  async "vector-index"({ metric }, embedder, embedBatchSize, options) {
    const { createVectorIndex } = await import("@hybrid-rag/vector-index");
    const name = options.names?.dense ?? defaultRetrieverNames.dense;
    const retriever = createVectorIndex({ name, embedder, metric, embedBatchSize });
    return { engine: "vector-index", retriever, release: async () => undefined };
  },
  async qdrant({ url, collection, metric }, embedder, embedBatchSize, options) {
    const { createQdrantIndex } = await import("@hybrid-rag/qdrant");
    const name = options.names?.dense ?? defaultRetrieverNames.dense;
    const retriever = createQdrantIndex({
      url: required(url, "dense.url", "--qdrant-url", "http://localhost:6333"),
      collection: required(
        collection ?? options.defaultIndexName,
        "dense.collection",
        undefined,
        "my-collection",
      ),
      name,
      embedder,
      metric,
      embedBatchSize,
    });
    return { engine: "qdrant", retriever, release: async () => undefined };
  },
};

export function buildSparseRetriever(
  spec: SparseSpec,
  options: BuildComponentsOptions = {},
): Promise<BuiltRetriever> {
  const build = sparseEngines[spec.engine] as (
    spec: SparseSpec,
    options: BuildComponentsOptions,
  ) => Promise<BuiltRetriever>;
  return build(spec, options);
}

export function buildDenseRetriever(
  spec: DenseSpec,
  embedder: Embedder,
  embedBatchSize: number,
  options: BuildComponentsOptions = {},
): Promise<BuiltRetriever> {
  const build = denseEngines[spec.engine] as (
    spec: DenseSpec,
    embedder: Embedder,
    embedBatchSize: number,
    options: BuildComponentsOptions,
  ) => Promise<BuiltRetriever>;
  return build(spec, embedder, embedBatchSize, options);
}

function required(
  value: string | undefined,
  field: string,
  flag: string | undefined,
  example: string,
): string {
  if (value) return value;
  throw new HybridRagError(
    "invalid-argument",
    `${field} is needed for this engine: set it in the spec (e.g. "${example}")${flag ? ` or pass ${flag} ${example}` : ""}.`,
  );
}
