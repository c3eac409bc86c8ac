import {
  embedBatchSizeSchema,
  embedderSchema,
  passageTextSchema,
  titleAndText,
} from "@hybrid-rag/core";
import { z } from "zod";
import { vectorMetrics } from "./metric.ts";

export const vectorIndexOptionsSchema = z.strictObject({
  embedder: embedderSchema,
  metric: z.enum(vectorMetrics).default("cosine"),
  name: z.string().min(1).default("dense"),
  /** Passages per embedPassages call during upsert (one index-progress event per batch). */
  embedBatchSize: embedBatchSizeSchema,
  /** Slots to reserve up front (the store doubles when full). */
  initialCapacity: z.number().int().min(1).default(1024),
  /**
   * "int8": candidates come from an int8 copy of the vectors (a quarter of the bytes to scan),
   * then the best `rescoreCandidates` are rescored with float32 (returned scores are exact).
   * "none": exact float32 search only. Filtered searches are always exact float32.
   */
  quantization: z.enum(["none", "int8"]).default("none"),
  /** With int8 quantization: candidates rescored with float32 (at least 4 × topK). */
  rescoreCandidates: z.number().int().min(1).max(100_000).default(100),
  /**
   * "exact" (default): every query scans all vectors. "hnsw": an HNSW graph (the optional
   * native dependency usearch) proposes candidates that are rescored exactly; for collections
   * past the exact-search range (see the README).
   */
  backend: z.enum(["exact", "hnsw"]).default("exact"),
  hnsw: z
    .strictObject({
      connectivity: z.number().int().min(2).max(256).default(16),
      expansionAdd: z.number().int().min(1).max(10_000).default(128),
      expansionSearch: z.number().int().min(1).max(100_000).default(128),
      /** Candidates asked from the graph and rescored exactly (at least topK). */
      candidates: z.number().int().min(1).max(100_000).default(64),
      vectorType: z.enum(["f32", "f16", "i8"]).default("f16"),
      /** Native threads inserting a batch into the graph (default: the machine's cores). */
      buildThreads: z.number().int().min(1).max(1024).optional(),
    })
    .default({
      connectivity: 16,
      expansionAdd: 128,
      expansionSearch: 128,
      candidates: 64,
      vectorType: "f16",
    }),
  /** The text embedded for a document; default: title and text joined by one space. */
  passageText: passageTextSchema.optional(),
});

export type VectorIndexOptions = z.input<typeof vectorIndexOptionsSchema>;
export type ResolvedVectorIndexOptions = z.output<typeof vectorIndexOptionsSchema>;

/** Title and text joined with one space, as the BM25 engines index them. */
export const defaultPassageText = titleAndText;
