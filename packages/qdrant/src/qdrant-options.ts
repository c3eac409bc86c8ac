import {
  embedBatchSizeSchema,
  embedderSchema,
  maxTimeoutMs,
  passageTextSchema,
  timeoutMsSchema,
} from "@hybrid-rag/core";
import { QdrantClient } from "@qdrant/js-client-rest";
import { z } from "zod";
import type { SparseEncoder } from "./sparse-encoder.ts";

/** Where Qdrant holds a component in RAM (1.19's `memory`; data always persists on disk). */
const memorySchema = z.enum(["cold", "cached", "pinned"]);

/** Names Qdrant 1.19 deprecates, refused with the replacement instead of being sent. */
const deprecated = (name: string, replacement: string) =>
  z
    .undefined({ error: `${name} is deprecated since Qdrant 1.19: use ${replacement} instead` })
    .optional();

/** Qdrant's `hnsw_config` (collection creation): graph degree, build beam width, placement. */
const hnswSchema = z.strictObject({
  m: z.number().int().min(0).optional(),
  ef_construct: z.number().int().min(4).optional(),
  full_scan_threshold: z.number().int().min(10).optional(),
  memory: memorySchema.optional(),
  on_disk: deprecated("hnsw.on_disk", 'hnsw.memory ("cold" for on disk)'),
});

const quantizedMemory = {
  memory: memorySchema.optional(),
  always_ram: deprecated("always_ram", 'memory ("pinned" for always in RAM)'),
};

/**
 * Qdrant's `quantization_config`: exactly one of scalar (int8), product or binary quantisation.
 * One object rather than a union, so a bad field inside is reported by name.
 */
const quantizationSchema = z
  .strictObject({
    scalar: z
      .strictObject({
        type: z.literal("int8"),
        quantile: z.number().min(0.5).max(1).optional(),
        ...quantizedMemory,
      })
      .optional(),
    product: z
      .strictObject({
        compression: z.enum(["x4", "x8", "x16", "x32", "x64"]),
        ...quantizedMemory,
      })
      .optional(),
    binary: z.strictObject({ ...quantizedMemory }).optional(),
  })
  .refine((config) => Object.values(config).filter((value) => value !== undefined).length === 1, {
    error: "quantization takes exactly one of scalar, product or binary",
  });

export const qdrantIndexOptionsSchema = z.strictObject({
  /** A QdrantClient; or give `url` (and `apiKey`) and one is created. */
  client: z.instanceof(QdrantClient).optional(),
  url: z.string().url().optional(),
  apiKey: z.string().optional(),
  collection: z.string().min(1).max(255),
  embedder: embedderSchema,
  metric: z.enum(["cosine", "dot", "l2"]).default("cosine"),
  /** Source name in `hit.sources` and events. */
  name: z.string().min(1).default("qdrant"),
  hnsw: hnswSchema.optional(),
  quantization: quantizationSchema.optional(),
  /** Search-time HNSW beam width (`params.hnsw_ef`); `exact: true` scans without the graph. */
  search: z
    .strictObject({
      hnswEf: z.number().int().min(1).optional(),
      exact: z.boolean().optional(),
    })
    .default({}),
  /**
   * Points per upsert request; each is embedded `embedBatchSize` passages per embedder call
   * (the last call of a request may be shorter).
   */
  batchSize: z.number().int().min(1).max(10_000).default(256),
  /** Passages per embedPassages call (the same option and default as every store that embeds). */
  embedBatchSize: embedBatchSizeSchema,
  /** Upsert requests in flight at once. */
  concurrency: z.number().int().min(1).max(64).default(2),
  maxRetries: z.number().int().min(0).max(100).default(5),
  initialBackoffMs: z.number().min(0).max(maxTimeoutMs).default(250),
  maxBackoffMs: z.number().min(0).max(maxTimeoutMs).default(15_000),
  /** Per-request timeout (ms) for a client this adapter creates. */
  timeoutMs: timeoutMsSchema("timeoutMs").default(30_000),
  /** The text embedded (and sparse-encoded) for a document; default: title and text. */
  passageText: passageTextSchema.optional(),
  /**
   * Also store a sparse (lexical) vector per point, for server-side hybrid search. The
   * collection then has a named dense vector "dense" and a sparse vector "bm25" (IDF modifier).
   */
  sparse: z
    .strictObject({
      encoder: z.custom<SparseEncoder>(
        (value) =>
          typeof value === "object" &&
          value !== null &&
          typeof (value as SparseEncoder).encodeDocument === "function" &&
          typeof (value as SparseEncoder).encodeQuery === "function",
        { message: "sparse.encoder must have encodeDocument(text) and encodeQuery(text)" },
      ),
    })
    .optional(),
});

export type QdrantIndexOptions = z.input<typeof qdrantIndexOptionsSchema>;
export type ResolvedQdrantIndexOptions = z.output<typeof qdrantIndexOptionsSchema>;

/** Vector names in a collection created with the `sparse` option. */
export const denseVectorName = "dense";
export const sparseVectorName = "bm25";

/** Our metric names → Qdrant's distance names. */
export const qdrantDistance = { cosine: "Cosine", dot: "Dot", l2: "Euclid" } as const;
