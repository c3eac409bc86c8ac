import { embedderSchema, passageTextSchema, titleAndText } from "@hybrid-rag/core";
import { z } from "zod";
import { vectorMetrics } from "./metric.ts";

export const vectorIndexOptionsSchema = z.strictObject({
  embedder: embedderSchema,
  metric: z.enum(vectorMetrics).default("cosine"),
  name: z.string().min(1).default("dense"),
  /** Passages per embedPassages call during upsert (one index-progress event per batch). */
  embedBatchSize: z.number().int().min(1).max(100_000).default(64),
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
  /** The text embedded for a document; default: title and text joined by one space. */
  passageText: passageTextSchema.optional(),
});

export type VectorIndexOptions = z.input<typeof vectorIndexOptionsSchema>;
export type ResolvedVectorIndexOptions = z.output<typeof vectorIndexOptionsSchema>;

/** Title and text joined with one space, as the BM25 engines index them. */
export const defaultPassageText = titleAndText;
