import { parseWithSchema } from "@hybrid-rag/core";
import { fusionConfigSchema } from "@hybrid-rag/fusion";
import { z } from "zod";
import { pipelineSettingsShape } from "./pipeline-settings.ts";

/** The spec format's version; a file of another version is refused with what to change. */
export const pipelineSpecVersion = 1;

const analyzerSchema = z
  .enum(["standard", "english"], { error: 'analyzer must be "standard" or "english"' })
  .default("standard")
  .describe("BM25 analyzer (Elasticsearch's standard or english)");
const k1Schema = z.number().min(0, "k1 must be ≥ 0").default(1.2).describe("BM25 k1");
const bSchema = z
  .number()
  .min(0, "b must be between 0 and 1")
  .max(1, "b must be between 0 and 1")
  .default(0.75)
  .describe("BM25 b");
const metricSchema = z
  .enum(["cosine", "dot", "l2"], { error: 'metric must be "cosine", "dot" or "l2"' })
  .default("cosine")
  .describe("vector similarity");

/** The lexical retriever: the embedded BM25 engine, or Elasticsearch (which scores alike). */
export const sparseSpecSchema = z.discriminatedUnion(
  "engine",
  [
    z.strictObject({
      engine: z.literal("bm25"),
      analyzer: analyzerSchema,
      k1: k1Schema,
      b: bSchema,
    }),
    z.strictObject({
      engine: z.literal("elasticsearch"),
      url: z
        .url({ error: "sparse.url must be a URL" })
        .optional()
        .describe("e.g. http://localhost:9200"),
      index: z.string().min(1).optional().describe("index name (default: chosen by the app)"),
      analyzer: analyzerSchema,
      k1: k1Schema,
      b: bSchema,
    }),
  ],
  { error: 'sparse.engine must be "bm25" (embedded) or "elasticsearch"' },
);

/** The dense retriever: the embedded vector index, or Qdrant. Both use `embedder`. */
export const denseSpecSchema = z.discriminatedUnion(
  "engine",
  [
    z.strictObject({ engine: z.literal("vector-index"), metric: metricSchema }),
    z.strictObject({
      engine: z.literal("qdrant"),
      url: z
        .url({ error: "dense.url must be a URL" })
        .optional()
        .describe("e.g. http://localhost:6333"),
      collection: z
        .string()
        .min(1)
        .optional()
        .describe("collection name (default: chosen by the app)"),
      metric: metricSchema,
    }),
  ],
  { error: 'dense.engine must be "vector-index" (embedded) or "qdrant"' },
);

/**
 * What names a model (embedder or reranker): a folder, a Hugging Face id, an http(s) endpoint
 * or a name an app knows (use-lite); for an endpoint, the API it speaks and the model it serves.
 */
function modelShape<const Api extends string>(what: string, apis: readonly [Api, ...Api[]]) {
  return {
    model: z
      .string()
      .min(1, `${what}.model must not be empty`)
      .describe("a model folder, a Hugging Face id, an http(s) endpoint URL, or use-lite"),
    api: z
      .enum(apis, { error: `${what}.api must be ${apis.join(", ")}` })
      .default(apis[0])
      .describe(`API the ${what}.model URL speaks`),
    endpointModel: z
      .string()
      .min(1)
      .optional()
      .describe(`model name the ${what} endpoint serves (not for tei)`),
  };
}

export const embedderSpecSchema = z.strictObject({
  ...modelShape("embedder", ["nim", "tei", "openai"]),
  dimension: z
    .number()
    .int()
    .min(1)
    .max(65_536)
    .optional()
    .describe("vector length of an endpoint"),
  prefixes: z
    .enum(["none", "e5", "bge"], { error: "embedder.prefixes must be none, e5 or bge" })
    .optional()
    .describe("query/passage prefixes (default: from the model name)"),
  embedBatchSize: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(64)
    .describe("passages per embedder call"),
});

export const rerankerSpecSchema = z.strictObject({
  ...modelShape("reranker", ["nim", "tei", "cohere"]),
  images: z
    .boolean()
    .optional()
    .describe(
      "the nim endpoint serves a VLM reranker (llama-nemotron-rerank-vl): send passages' images too",
    ),
});

export const chunkingSpecSchema = z.strictObject({
  maxTokens: z.number().int().min(8).max(100_000).default(256).describe("tokens per chunk at most"),
  overlapTokens: z.number().int().min(0).optional().describe("tokens repeated between chunks"),
});

/**
 * A whole retrieval setup as one JSON document: which retrievers (embedded or on servers), the
 * embedder, fusion, reranker, chunking and limits. Every app reads it (`--spec file.json`),
 * prints it (`--print-spec`) and takes its flags as overrides of it; the benchmark records it
 * in `results.json`, so a run can be rebuilt from its results.
 */
export const pipelineSpecSchema = z.strictObject({
  $schema: z.string().optional().describe("the JSON Schema of this file, for editors"),
  version: z.literal(pipelineSpecVersion, {
    error: `version must be ${pipelineSpecVersion} (this release reads pipeline spec version ${pipelineSpecVersion})`,
  }),
  sparse: sparseSpecSchema.optional(),
  dense: denseSpecSchema.optional(),
  embedder: embedderSpecSchema.optional(),
  reranker: rerankerSpecSchema.optional(),
  executionProvider: z
    .enum(["auto", "cpu", "cuda", "tensorrt", "webgpu"], {
      error: "executionProvider must be auto, cpu, cuda, tensorrt or webgpu",
    })
    .default("auto")
    .describe("onnxruntime provider for in-process models"),
  fusion: fusionConfigSchema.default({ method: "rrf", k: 60 }),
  chunking: chunkingSpecSchema.optional(),
  ...pipelineSettingsShape,
});

export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;

/** Validates a spec (zod), naming each wrong field, its value and what it takes. */
export function parsePipelineSpec(value: unknown, what = "pipeline spec"): PipelineSpec {
  return parseWithSchema(pipelineSpecSchema, value, what);
}

/** The spec's JSON Schema (draft 2020-12), for editors: `"$schema": ".../pipeline-spec.schema.json"`. */
export function pipelineSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineSpecSchema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
}
