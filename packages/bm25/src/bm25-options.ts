import { parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";
import type { Analyzer } from "./analyzer.ts";
import { englishAnalyzer, standardAnalyzer } from "./analyzers.ts";

export type Bm25Field = "title" | "text";

export interface Bm25IndexOptions {
  /** Source name in hit provenance (default "bm25"). */
  readonly name?: string;
  /** "standard" (default), "english", or your own analyzer. */
  readonly analyzer?: "standard" | "english" | Analyzer;
  /** Term-frequency saturation (default 1.2, as Lucene and Elasticsearch). */
  readonly k1?: number;
  /** Length normalisation, 0..1 (default 0.75). */
  readonly b?: number;
  /** Document fields indexed as one text, joined by a single space (default ["title", "text"]). */
  readonly fields?: readonly Bm25Field[];
  /** Documents written between two `index-progress` events and event-loop yields (default 1000). */
  readonly batchSize?: number;
}

export interface ResolvedBm25Options {
  readonly name: string;
  readonly analyzer: Analyzer;
  readonly k1: number;
  readonly b: number;
  readonly fields: readonly Bm25Field[];
  readonly batchSize: number;
}

const analyzerSchema = z.custom<Analyzer>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as Analyzer).name === "string" &&
    typeof (value as Analyzer).analyze === "function",
  { message: 'analyzer must be "standard", "english" or an object { name, analyze(text) }' },
);

const optionsSchema = z.strictObject({
  name: z.string().min(1, "name must not be empty").optional(),
  analyzer: z.union([z.enum(["standard", "english"]), analyzerSchema]).optional(),
  k1: z.number().finite("k1 must be finite").min(0, "k1 must be at least 0").optional(),
  b: z.number().min(0, "b must be between 0 and 1").max(1, "b must be between 0 and 1").optional(),
  fields: z
    .array(z.enum(["title", "text"]))
    .min(1, "fields must name at least one field")
    .optional(),
  batchSize: z.number().int().min(1, "batchSize must be at least 1").optional(),
});

export function resolveOptions(options: unknown): ResolvedBm25Options {
  const parsed = parseWithSchema(optionsSchema, options ?? {}, "BM25 index options");
  return {
    name: parsed.name ?? "bm25",
    analyzer: resolveAnalyzer(parsed.analyzer ?? "standard"),
    k1: parsed.k1 ?? 1.2,
    b: parsed.b ?? 0.75,
    fields: parsed.fields ?? ["title", "text"],
    batchSize: parsed.batchSize ?? 1000,
  };
}

function resolveAnalyzer(analyzer: "standard" | "english" | Analyzer): Analyzer {
  if (analyzer === "standard") return standardAnalyzer;
  if (analyzer === "english") return englishAnalyzer;
  return analyzer;
}
