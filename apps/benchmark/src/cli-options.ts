import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { parseMetric } from "@hybrid-rag/eval";
import {
  createFusion,
  type FusionConfig,
  type FusionMethod,
  fusionMethods,
  type Normalizer,
} from "@hybrid-rag/fusion";
import type { ExecutionProviderChoice } from "@hybrid-rag/models";
import {
  type EmbedderSpec,
  parseWeights,
  prefixesForModel,
  type RerankerSpec,
  type SparseSpec,
} from "@hybrid-rag/pipeline";
import { z } from "zod";
import {
  defaultEmbeddingCache,
  defaultEmbeddingModel,
  defaultRerankerModel,
  type EngineSettings,
} from "./engine-settings.ts";
import { defaultPipelines, type PipelineSpec, parsePipelines } from "./pipelines.ts";
import { specFlagValue } from "./spec-flag-options.ts";

const integer = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const number = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .refine(Number.isFinite, `${name} must be finite`);

/** The raw command-line values, validated where they enter the program. */
export const cliOptionsSchema = z.strictObject({
  dataset: z
    .string({ error: "--dataset is required (or a --spec that names it)" })
    .min(1, "--dataset is required"),
  split: z.string().min(1).default("test"),
  pipelines: z.string().default(defaultPipelines),
  topK: integer("--top-k", 1, 10_000).default(100),
  rerankTop: integer("--rerank-top", 1, 10_000).optional(),
  out: z.string().min(1).default("bench-results"),
  backend: z
    .enum(["embedded", "servers"], { error: '--backend must be "embedded" or "servers"' })
    .default("embedded"),
  analyzer: specFlagValue<SparseSpec["analyzer"]>("sparse.analyzer", "standard"),
  k1: specFlagValue<number>("sparse.k1", 1.2),
  b: specFlagValue<number>("sparse.b", 0.75),
  embeddingModel: z.string().default(defaultEmbeddingModel),
  /** A directory, or false (`--no-embedding-cache`). */
  embeddingCache: z.union([z.string().min(1), z.boolean()]).default(true),
  rerankerModel: z.string().default(defaultRerankerModel),
  embeddingApi: specFlagValue<EmbedderSpec["api"]>("embedder.api", "nim"),
  embeddingEndpointModel: z.string().min(1).optional(),
  embeddingDimension: specFlagValue<number>("embedder.dimension").optional(),
  rerankerApi: specFlagValue<RerankerSpec["api"]>("reranker.api", "nim"),
  rerankerEndpointModel: z.string().min(1).optional(),
  executionProvider: specFlagValue<ExecutionProviderChoice>("executionProvider", "auto"),
  embeddingPrefixes:
    specFlagValue<NonNullable<EmbedderSpec["prefixes"]>>("embedder.prefixes").optional(),
  fusion: z
    .enum(fusionMethods as [FusionMethod, ...FusionMethod[]], {
      error: `--fusion must be one of ${fusionMethods.join(", ")}`,
    })
    .default("rrf"),
  rrfK: specFlagValue<number>("fusion.k", 60),
  normalizer: specFlagValue<Normalizer>("fusion.normalizer", "min-max"),
  fusionWeights: z.string().optional(),
  maxQueries: integer("--max-queries", 1, Number.MAX_SAFE_INTEGER).optional(),
  cacheDir: z.string().optional(),
  beirUrl: z.url({ error: "--beir-url must be a URL" }).optional(),
  elasticsearchUrl: z.url({ error: "--elasticsearch-url must be a URL" }).optional(),
  qdrantUrl: z.url({ error: "--qdrant-url must be a URL" }).optional(),
  progress: z.boolean().default(true),
  tuneFusion: z.boolean().default(false),
  rerankDepths: z
    .string()
    .transform((text, context) => {
      const depths = text.split(",").map((part) => part.trim());
      const parsed = depths.map(Number);
      if (
        depths.length === 0 ||
        parsed.some((depth) => !Number.isInteger(depth) || depth < 0 || depth > 10_000)
      ) {
        context.addIssue({
          code: "custom",
          message: `--rerank-depths must be whole numbers 0..10000 separated by commas, e.g. 0,10,20,50,100,200 (got "${text}")`,
        });
        return z.NEVER;
      }
      return [...new Set(parsed)];
    })
    .optional(),
  rerankBudgetMs: number("--rerank-budget-ms")
    .pipe(z.number().gt(0, "--rerank-budget-ms must be more than 0"))
    .optional(),
  tuneMetric: z
    .string()
    .refine(isMetric, "--tune-metric must be a metric such as ndcg@10, recall@5 or mrr")
    .default("ndcg@10"),
});

export type CliOptions = z.output<typeof cliOptionsSchema>;

export interface BenchmarkRequest {
  readonly options: CliOptions;
  readonly pipelines: readonly PipelineSpec[];
  readonly engineSettings: EngineSettings;
  readonly rerankTop: number;
}

export function parseCliOptions(raw: Record<string, unknown>): BenchmarkRequest {
  const defined = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined),
  );
  const options = parseWithSchema(cliOptionsSchema, defined, "benchmark options");
  const pipelines = parsePipelines(options.pipelines);
  const engineSettings: EngineSettings = {
    analyzer: options.analyzer,
    k1: options.k1,
    b: options.b,
    embeddingModel: options.embeddingModel,
    rerankerModel: options.rerankerModel,
    embeddingApi: options.embeddingApi,
    rerankerApi: options.rerankerApi,
    ...(options.embeddingEndpointModel
      ? { embeddingEndpointModel: options.embeddingEndpointModel }
      : {}),
    ...(options.embeddingDimension ? { embeddingDimension: options.embeddingDimension } : {}),
    ...(options.rerankerEndpointModel
      ? { rerankerEndpointModel: options.rerankerEndpointModel }
      : {}),
    executionProvider: options.executionProvider,
    embeddingPrefixes: options.embeddingPrefixes ?? prefixesForModel(options.embeddingModel),
    ...embeddingCacheSetting(options.embeddingCache),
    fusion: fusionConfig(options),
    ...(options.elasticsearchUrl ? { elasticsearchUrl: options.elasticsearchUrl } : {}),
    ...(options.qdrantUrl ? { qdrantUrl: options.qdrantUrl } : {}),
  };
  checkEndpoints(engineSettings, pipelines);
  return { options, pipelines, engineSettings, rerankTop: options.rerankTop ?? options.topK };
}

function embeddingCacheSetting(value: string | boolean): { embeddingCache?: string } {
  if (value === false) return {};
  return { embeddingCache: value === true ? defaultEmbeddingCache : value };
}

/**
 * The fusion the flags describe: `--rrf-k` and `--normalizer` are options of rrf and linear;
 * any other method of the registry takes its defaults (and `--fusion-weights`).
 */
function fusionConfig(options: CliOptions): FusionConfig {
  const weights =
    options.fusionWeights === undefined ? undefined : parseWeights(options.fusionWeights);
  const config = {
    method: options.fusion,
    ...(options.fusion === "rrf" ? { k: options.rrfK } : {}),
    ...(options.fusion === "linear" ? { normalizer: options.normalizer } : {}),
    ...(weights ? { weights } : {}),
  } as FusionConfig;
  createFusion(config); // refuses options the method does not take, with what it takes
  return config;
}

/** An endpoint needs what the server cannot tell us up front: the model name and vector length. */
function checkEndpoints(settings: EngineSettings, pipelines: readonly PipelineSpec[]): void {
  const problems: string[] = [];
  if (pipelines.some((spec) => spec.dense) && isEndpoint(settings.embeddingModel)) {
    if (settings.embeddingDimension === undefined) {
      problems.push("--embedding-dimension <n> (the length of the vectors the endpoint returns)");
    }
    if (settings.embeddingApi !== "tei" && settings.embeddingEndpointModel === undefined) {
      problems.push(
        `--embedding-endpoint-model <name> (the model the ${settings.embeddingApi} endpoint serves)`,
      );
    }
  }
  if (pipelines.some((spec) => spec.rerank) && isEndpoint(settings.rerankerModel)) {
    if (settings.rerankerApi !== "tei" && settings.rerankerEndpointModel === undefined) {
      problems.push(
        `--reranker-endpoint-model <name> (the model the ${settings.rerankerApi} endpoint serves)`,
      );
    }
  }
  if (problems.length > 0) {
    throw new HybridRagError(
      "invalid-argument",
      `A remote model endpoint also needs ${problems.join(" and ")}.`,
    );
  }
}

function isEndpoint(model: string): boolean {
  return /^https?:\/\//i.test(model.trim());
}

function isMetric(name: string): boolean {
  try {
    parseMetric(name);
    return true;
  } catch {
    return false;
  }
}
