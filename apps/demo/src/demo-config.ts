import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseWithSchema } from "@hybrid-rag/core";
import { type FusionConfig, fusionConfigSchema } from "@hybrid-rag/fusion";
import { type ExecutionProviderChoice, executionProviders } from "@hybrid-rag/models";
import type { PipelineSpec, PipelineSpecInput } from "@hybrid-rag/pipeline";
import { z } from "zod";
import { demoDefaultSpec, demoSpec } from "./demo-spec.ts";

const optionalUrl = (name: string) =>
  z.url({ error: `${name} must be a URL such as http://localhost:9200` }).optional();

export const environmentSchema = z.object({
  DEMO_CORPUS: z.string().min(1).optional(),
  /** A collection directory built by `hybrid-rag ingest` (`--collection` wins). */
  DEMO_COLLECTION: z.string().min(1).optional(),
  /** Where a corpus folder's collection is kept between starts (default: the user's cache). */
  DEMO_CACHE_DIR: z.string().min(1).optional(),
  XDG_CACHE_HOME: z.string().min(1).optional(),
  DEMO_HOST: z.string().min(1).default("127.0.0.1"),
  DEMO_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  DEMO_INDEX_NAME: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, "DEMO_INDEX_NAME must be lowercase letters, digits, - and _")
    .default("hybrid-rag-demo"),
  EMBEDDING_MODEL_PATH: z.string().min(1).optional(),
  RERANKER_MODEL_PATH: z.string().min(1).optional(),
  DEMO_EXECUTION_PROVIDER: z.enum(executionProviders).default("auto"),
  ELASTICSEARCH_URL: optionalUrl("ELASTICSEARCH_URL"),
  QDRANT_URL: optionalUrl("QDRANT_URL"),
  RERANKER_URL: optionalUrl("RERANKER_URL"),
  RERANKER_API_KEY: z.string().min(1).optional(),
  RERANKER_MODEL_NAME: z.string().min(1).optional(),
  /**
   * RERANKER_URL serves a VLM reranker (NIM's llama-nemotron-rerank-vl): send passages' images,
   * the collection's stored page images among them (the spec's `reranker.images`).
   */
  RERANKER_IMAGES: z
    .stringbool({ error: "RERANKER_IMAGES must be true or false (1/0, yes/no, on/off)" })
    .optional(),
  DEMO_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "silent"]).default("warn"),
  /**
   * Which PDF pages are rendered to page images at ingest (the loaders' `pdf.pageImages`):
   * none (default), no-text-layer (charts, scans), all. Stored in the collection; shown as
   * thumbnails, and reranked by a VLM reranker.
   */
  DEMO_PAGE_IMAGES: z.enum(["none", "no-text-layer", "all"]).default("none"),
  /** A fusion method of @hybrid-rag/fusion's registry ("dbsf"), or a JSON config ('{"method":"rrf","k":20}'). */
  DEMO_FUSION: z
    .string()
    .min(1)
    .transform((text) => (text.trim().startsWith("{") ? parseJson(text) : { method: text.trim() }))
    .pipe(fusionConfigSchema)
    .optional(),
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // refused by the fusion schema, which names what it takes
  }
}

/** Where the demo's documents, models and (optionally) servers are. */
export interface DemoConfig {
  /**
   * What the stages are built from (by @hybrid-rag/pipeline's factory): a `--spec` file or the
   * demo's default, with the environment's variables over it. The fields below are the
   * environment's values as given.
   */
  readonly spec: PipelineSpec;
  readonly corpusPath: string;
  /**
   * A collection directory built by `hybrid-rag ingest`, opened as it is (nothing is embedded at
   * start); undefined: the corpus is ingested into a collection under `cacheDirectory`.
   */
  readonly collectionPath: string | undefined;
  /** Where the collections of corpus folders are kept, one per folder and embedding model. */
  readonly cacheDirectory: string;
  readonly host: string;
  readonly port: number;
  /** Elasticsearch index and Qdrant collection name. */
  readonly indexName: string;
  readonly embeddingModelPath: string | undefined;
  readonly rerankerModelPath: string | undefined;
  /** Where in-process models run: "auto" tries CUDA, then the CPU. */
  readonly executionProvider: ExecutionProviderChoice;
  readonly elasticsearchUrl: string | undefined;
  readonly qdrantUrl: string | undefined;
  readonly rerankerUrl: string | undefined;
  readonly rerankerApiKey: string | undefined;
  readonly rerankerModelName: string | undefined;
  readonly logLevel: string;
  /** Which PDF pages a corpus folder's ingest renders to images (none, no-text-layer, all). */
  readonly pageImages: "none" | "no-text-layer" | "all";
  /** How the lists are fused (default: RRF, k = 60). */
  readonly fusion?: FusionConfig;
}

/** The sample corpus shipped with the demo, used when no corpus is given. */
export const sampleCorpusPath = new URL("../sample-corpus", import.meta.url).pathname;

/** What the command line gives: a corpus, or a collection directory (`--collection <dir>`). */
export interface DemoArguments {
  readonly corpus?: string;
  readonly collection?: string;
}

/**
 * Reads the configuration from environment variables; the corpus (a string, as before) or a
 * collection directory may also come from the command line, and win over the environment; the
 * spec comes as `baseSpec` (a `--spec` file), whose fields the variables that are set override.
 */
export function demoConfigFromEnvironment(
  environment: NodeJS.ProcessEnv = process.env,
  commandLine: string | DemoArguments = {},
  baseSpec: PipelineSpecInput = demoDefaultSpec,
): DemoConfig {
  const given = typeof commandLine === "string" ? { corpus: commandLine } : commandLine;
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ""),
  );
  const values = parseWithSchema(environmentSchema, present, "demo environment");
  const path = (value: string | undefined) => (value === undefined ? undefined : resolve(value));
  const spec = demoSpec(
    {
      elasticsearchUrl: values.ELASTICSEARCH_URL,
      qdrantUrl: values.QDRANT_URL,
      indexName: values.DEMO_INDEX_NAME,
      embeddingModelPath: path(values.EMBEDDING_MODEL_PATH),
      rerankerModelPath: path(values.RERANKER_MODEL_PATH),
      rerankerUrl: values.RERANKER_URL,
      rerankerModelName: values.RERANKER_MODEL_NAME,
      rerankerImages: values.RERANKER_IMAGES,
      // Only a variable that is set overrides the spec (its schema default would always be).
      executionProvider:
        "DEMO_EXECUTION_PROVIDER" in present ? values.DEMO_EXECUTION_PROVIDER : undefined,
      fusion: values.DEMO_FUSION,
    },
    baseSpec,
  );
  return {
    spec,
    corpusPath: resolve(given.corpus ?? values.DEMO_CORPUS ?? sampleCorpusPath),
    collectionPath: path(given.collection ?? values.DEMO_COLLECTION),
    cacheDirectory: resolve(
      values.DEMO_CACHE_DIR ??
        join(values.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "hybrid-rag", "demo"),
    ),
    host: values.DEMO_HOST,
    port: values.DEMO_PORT,
    indexName: values.DEMO_INDEX_NAME,
    embeddingModelPath: path(values.EMBEDDING_MODEL_PATH),
    rerankerModelPath: path(values.RERANKER_MODEL_PATH),
    executionProvider: values.DEMO_EXECUTION_PROVIDER,
    elasticsearchUrl: values.ELASTICSEARCH_URL,
    qdrantUrl: values.QDRANT_URL,
    rerankerUrl: values.RERANKER_URL,
    rerankerApiKey: values.RERANKER_API_KEY,
    rerankerModelName: values.RERANKER_MODEL_NAME,
    logLevel: values.DEMO_LOG_LEVEL,
    pageImages: values.DEMO_PAGE_IMAGES,
    ...(values.DEMO_FUSION ? { fusion: values.DEMO_FUSION } : {}),
  };
}
