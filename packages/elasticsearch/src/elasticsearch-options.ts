import { Client } from "@elastic/elasticsearch";
import {
  embedBatchSizeSchema,
  embedderSchema,
  passageTextSchema,
  timeoutMsSchema,
} from "@hybrid-rag/core";
import { z } from "zod";
import { denseIndexProblems } from "./dense-index-rules.ts";

/** Elasticsearch's largest `dense_vector` dimension count. */
export const maxDenseVectorDims = 4096;

/**
 * `dense_vector.index_options`, always sent explicitly: without it Elasticsearch 9.1+ picks a
 * quantised index (`bbq_hnsw` from 384 dimensions, `int8_hnsw` below), whose kNN scores are
 * approximate twice over. `hnsw` (float vectors, approximate graph search) is the default;
 * `flat` searches exactly by brute force; the quantised types trade recall for memory.
 */
export const denseIndexOptionsSchema = z.strictObject({
  type: z
    .enum([
      "hnsw",
      "int8_hnsw",
      "int4_hnsw",
      "bbq_hnsw",
      "flat",
      "int8_flat",
      "int4_flat",
      "bbq_flat",
    ])
    .default("hnsw"),
  /** HNSW graph degree (hnsw types only). */
  m: z.number().int().min(2).max(512).optional(),
  /** HNSW build beam width (hnsw types only). */
  ef_construction: z.number().int().min(2).max(3200).optional(),
  /**
   * Quantile for int8/int4 quantisation (0 lets Elasticsearch choose, else 0.9–1; int8_* and
   * int4_* only: see `denseIndexProblems`).
   */
  confidence_interval: z.number().optional(),
});

/** Also store a dense vector per document, for Elasticsearch's server-side hybrid retrievers. */
export const denseFieldOptionsSchema = z
  .strictObject({
    embedder: embedderSchema,
    similarity: z.enum(["cosine", "dot_product", "l2_norm"]).default("cosine"),
    /** Scale every vector to unit length before sending it (what `dot_product` requires). */
    normalize: z.boolean().default(false),
    indexOptions: denseIndexOptionsSchema.default({ type: "hnsw" }),
    /** Passages per embedPassages call (the same option and default as every store that embeds). */
    embedBatchSize: embedBatchSizeSchema,
    /**
     * The text embedded for a document; default: title and text joined by one space. The BM25
     * field always analyses title and text (as the embedded BM25 does).
     */
    passageText: passageTextSchema.optional(),
  })
  .refine((dense) => dense.embedder.dimension <= maxDenseVectorDims, {
    error: (issue) =>
      `dense.embedder has ${(issue.input as { embedder: { dimension: number } }).embedder.dimension} dimensions; Elasticsearch's dense_vector takes at most ${maxDenseVectorDims}: use a smaller embedder (or Qdrant, which has no such limit)`,
  })
  .refine(
    (dense) =>
      (dense.indexOptions.m === undefined && dense.indexOptions.ef_construction === undefined) ||
      dense.indexOptions.type.endsWith("hnsw"),
    { error: "dense.indexOptions: m and ef_construction apply to the *_hnsw types only" },
  )
  .superRefine((dense, context) => {
    for (const message of denseIndexProblems(dense.indexOptions, dense.embedder.dimension)) {
      context.addIssue({ code: "custom", message, path: ["indexOptions"] });
    }
  });

/** How bulk ingestion batches, parallelises and retries. */
export const bulkOptionsSchema = z.strictObject({
  /** Documents per _bulk request at most. */
  maxDocuments: z.number().int().min(1).max(100_000).default(500),
  /** Bytes of NDJSON per _bulk request at most (a single larger document still goes alone). */
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  /** _bulk requests in flight at once. */
  concurrency: z.number().int().min(1).max(64).default(2),
  /** Retries per document (whole request failures and per-item 429/5xx). */
  maxRetries: z.number().int().min(0).max(100).default(5),
  /** First backoff; doubles per attempt, with full jitter, capped at maxBackoffMs. */
  initialBackoffMs: z.number().min(0).default(250),
  maxBackoffMs: z.number().min(0).default(15_000),
});

export const elasticsearchIndexOptionsSchema = z.strictObject({
  /** An `@elastic/elasticsearch` Client; or give `node` and one is created. */
  client: z.instanceof(Client).optional(),
  node: z.string().url().optional(),
  /** The Elasticsearch index name (lowercase, as Elasticsearch requires). */
  index: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[a-z0-9][a-z0-9._-]*$/, "index names are lowercase letters, digits, '.', '_' or '-'"),
  /** Source name in `hit.sources` and in events. */
  name: z.string().min(1).default("elasticsearch"),
  analyzer: z.enum(["standard", "english"]).default("standard"),
  k1: z.number().min(0).default(1.2),
  b: z.number().min(0).max(1).default(0.75),
  /** One shard keeps term statistics global, so scores equal the embedded BM25's. */
  shards: z.number().int().min(1).default(1),
  replicas: z.number().int().min(0).default(0),
  /** `dfs_query_then_fetch` gathers global statistics first: needed for exact scores with shards > 1. */
  searchType: z.enum(["query_then_fetch", "dfs_query_then_fetch"]).default("query_then_fetch"),
  /** Refresh after each upsert/delete call so the writes are searchable when it returns. */
  refresh: z.boolean().default(true),
  /** Retries of a failed search by the client (connection errors, 502/503/504). */
  searchMaxRetries: z.number().int().min(0).max(10).default(2),
  /** Per-request timeout (ms). */
  requestTimeoutMs: timeoutMsSchema("requestTimeoutMs").default(30_000),
  bulk: bulkOptionsSchema.default(bulkOptionsSchema.parse({})),
  /** Optional: a `dense_vector` field filled by this embedder (see ElasticsearchHybridRetriever). */
  dense: denseFieldOptionsSchema.optional(),
});

export type ElasticsearchIndexOptions = z.input<typeof elasticsearchIndexOptionsSchema>;
export type ResolvedElasticsearchIndexOptions = z.output<typeof elasticsearchIndexOptionsSchema>;
export type BulkOptions = z.output<typeof bulkOptionsSchema>;
export type DenseFieldOptions = z.output<typeof denseFieldOptionsSchema>;
export type DenseIndexOptions = z.output<typeof denseIndexOptionsSchema>;
