import type { Document, Embedder } from "@hybrid-rag/core";
import { z } from "zod";
import { vectorMetrics } from "./metric.ts";

const embedderSchema = z.custom<Embedder>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as Embedder).embedPassages === "function" &&
    typeof (value as Embedder).embedQueries === "function" &&
    Number.isInteger((value as Embedder).dimension) &&
    (value as Embedder).dimension > 0,
  { message: "embedder must implement Embedder (embedQueries, embedPassages, dimension > 0)" },
);

export const vectorIndexOptionsSchema = z.strictObject({
  embedder: embedderSchema,
  metric: z.enum(vectorMetrics).default("cosine"),
  name: z.string().min(1).default("dense"),
  /** Passages per embedPassages call during upsert (one index-progress event per batch). */
  embedBatchSize: z.number().int().min(1).max(100_000).default(64),
  /** Slots to reserve up front (the store doubles when full). */
  initialCapacity: z.number().int().min(1).default(1024),
  /** The text embedded for a document; default: title and text joined by one space. */
  passageText: z
    .custom<(document: Document) => string>((value) => typeof value === "function", {
      message: "passageText must be a function (document) => string",
    })
    .optional(),
});

export type VectorIndexOptions = z.input<typeof vectorIndexOptionsSchema>;
export type ResolvedVectorIndexOptions = z.output<typeof vectorIndexOptionsSchema>;

/** Title and text joined with one space, as the BM25 engines index them. */
export function defaultPassageText(document: Document): string {
  return document.title ? `${document.title} ${document.text}` : document.text;
}
