import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import type { z } from "zod";
import { buildModelGraph, type GraphEvent } from "./graph/build-model-graph.ts";
import type { GraphPrecision, ModelTask, VisionInputFormat } from "./graph/model-family.ts";
import { hasSafetensorsWeights } from "./graph/safetensors-weights.ts";
import { downloadFromHub, type HubOptions, isHubModelId } from "./hub-download.ts";
import {
  defaultOnnxFiles,
  type ModelConfig,
  modelConfigSchema,
  poolingConfigSchema,
  sentenceBertConfigSchema,
  sentenceTransformersModulesSchema,
  tokenizerConfigSchema,
  tokenizerJsonSchema,
} from "./model-files.ts";
import { TextTokenizer } from "./text-tokenizer.ts";

export type PoolingMode = "mean" | "cls" | "max" | "last-token";

/** The sentence-transformers pipeline of a bi-encoder, when the directory has one. */
export interface SentenceTransformersConfig {
  readonly pooling: PoolingMode;
  readonly normalize: boolean;
  readonly dimension: number | undefined;
  readonly maxSequenceLength: number | undefined;
}

/** A Hugging Face–style model directory, read and validated. */
export interface ModelDirectory {
  /** Local directory (a Hub snapshot folder for Hub ids). */
  readonly path: string;
  /** What the caller asked for: a path or a Hub id. */
  readonly source: string;
  /** Hub commit of the snapshot, for Hub ids. */
  readonly revision: string | undefined;
  readonly config: ModelConfig;
  readonly onnxPath: string;
  /**
   * Set when the directory has no ONNX file and its graph was built from config.json and the
   * safetensors weights (or found in the graph cache): the family and task it was built for.
   */
  readonly builtGraph: BuiltGraphInfo | undefined;
  /** Longest input the model takes: tokenizer model_max_length capped by position embeddings. */
  readonly maxLength: number;
  readonly sentenceTransformers: SentenceTransformersConfig | undefined;
  readonly tokenizer: TextTokenizer;
}

/** How a directory's graph was built from safetensors (see ModelDirectory.builtGraph). */
export interface BuiltGraphInfo {
  readonly family: string;
  readonly task: ModelTask;
  readonly precision: GraphPrecision;
  /** True when the graph came from the cache and nothing was built. */
  readonly cached: boolean;
  readonly cacheDirectory: string | undefined;
  /** The family's pair input format (e.g. "question:{query} \n \n passage:{passage}"), if it has one. */
  readonly pairTemplate: string | undefined;
  /**
   * Vision-language families (llama-nemotron-vl-rerank): how passage images become tiles and
   * image tokens; the graph then takes `pixel_values`. Undefined for text-only models.
   */
  readonly vision: VisionInputFormat | undefined;
}

export interface LoadModelOptions extends HubOptions {
  /** ONNX file inside the directory; default onnx/model.onnx, else model.onnx. */
  readonly onnxFile?: string;
  /**
   * What a safetensors-only directory is built as: "cross-encoder" (one logit per pair) or
   * "embedder" (token states). Default: "cross-encoder" when config.json's architectures name a
   * sequence classifier, else "embedder". The reranker and embedder factories set it.
   */
  readonly task?: ModelTask;
  /** Precision of a graph built from safetensors; default "float32". */
  readonly graphPrecision?: GraphPrecision;
  /** Where built graphs are cached; default HYBRID_RAG_CACHE_DIR/graphs, else ~/.cache/hybrid-rag/graphs. */
  readonly graphCacheDirectory?: string;
  /** Told when a graph is built or taken from the cache; default: one line on stderr. */
  readonly onGraph?: (event: GraphEvent) => void;
}

/**
 * Loads a model directory from a local path, or from the Hugging Face Hub cache for an id such
 * as "cross-encoder/ms-marco-MiniLM-L6-v2" (downloading what is missing unless offline).
 */
export async function loadModelDirectory(
  pathOrHubId: string,
  options: LoadModelOptions = {},
): Promise<ModelDirectory> {
  if (typeof pathOrHubId !== "string" || pathOrHubId.length === 0) {
    throw new HybridRagError(
      "invalid-argument",
      `A model must be a directory path or a Hub id such as "org/name", got ${JSON.stringify(pathOrHubId)}.`,
    );
  }
  if (await isDirectory(pathOrHubId)) {
    return readModelDirectory(pathOrHubId, pathOrHubId, undefined, options.onnxFile, options);
  }
  if (!isHubModelId(pathOrHubId)) {
    throw new HybridRagError(
      "not-found",
      `Model ${JSON.stringify(pathOrHubId)} is neither an existing directory nor a Hub id ("org/name").`,
    );
  }
  const snapshot = await downloadFromHub(pathOrHubId, options);
  return readModelDirectory(
    snapshot.path,
    pathOrHubId,
    snapshot.commit,
    snapshot.onnxFile,
    options,
  );
}

async function readModelDirectory(
  path: string,
  source: string,
  revision: string | undefined,
  onnxFile: string | undefined,
  options: LoadModelOptions,
): Promise<ModelDirectory> {
  const config = await readJson(path, "config.json", modelConfigSchema, true);
  const tokenizerJson = await readJson(path, "tokenizer.json", tokenizerJsonSchema, false);
  if (tokenizerJson === undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `${path} has a config.json but no tokenizer.json; hybrid-rag tokenises with the fast tokenizer's ` +
        "tokenizer.json: save it next to the model (`AutoTokenizer.from_pretrained(...).save_pretrained(dir)`).",
    );
  }
  const tokenizerConfig =
    (await readJson(path, "tokenizer_config.json", tokenizerConfigSchema, false)) ?? {};
  const sentenceTransformers = await readSentenceTransformers(path);
  let tokenizer: TextTokenizer;
  try {
    tokenizer = new TextTokenizer(tokenizerJson, tokenizerConfig);
  } catch (error) {
    throw new HybridRagError(
      "corrupt-data",
      `${join(path, "tokenizer.json")} could not be loaded as a tokenizer: ${String(error)}.`,
      { cause: error },
    );
  }
  const { onnxPath, builtGraph } = await findOrBuildGraph(path, onnxFile, config!, options);
  return {
    path,
    source,
    revision,
    config: config!,
    onnxPath,
    builtGraph,
    maxLength: maxLengthOf(config!, tokenizerConfig, sentenceTransformers),
    sentenceTransformers,
    tokenizer,
  };
}

function maxLengthOf(
  config: ModelConfig,
  tokenizerConfig: z.output<typeof tokenizerConfigSchema>,
  sentenceTransformers: SentenceTransformersConfig | undefined,
): number {
  // Tokenizers without a limit store a huge sentinel (1e30) as model_max_length.
  // A vision-language config nests its language model's positions under llm_config.
  const nested = (config as { llm_config?: { max_position_embeddings?: unknown } }).llm_config
    ?.max_position_embeddings;
  const limits = [
    tokenizerConfig.model_max_length,
    config.max_position_embeddings,
    typeof nested === "number" ? nested : undefined,
    sentenceTransformers?.maxSequenceLength,
  ].filter((value): value is number => value !== undefined && value > 0 && value < 1e6);
  return limits.length > 0 ? Math.min(...limits) : 512;
}

async function readSentenceTransformers(
  path: string,
): Promise<SentenceTransformersConfig | undefined> {
  const modules = await readJson(path, "modules.json", sentenceTransformersModulesSchema, false);
  if (!modules) return undefined;
  const poolingModule = modules.find((module) => module.type.endsWith("models.Pooling"));
  const pooling = poolingModule
    ? await readJson(path, join(poolingModule.path, "config.json"), poolingConfigSchema, true)
    : undefined;
  const sentenceBert = await readJson(
    path,
    "sentence_bert_config.json",
    sentenceBertConfigSchema,
    false,
  );
  return {
    pooling: poolingModeOf(pooling, path),
    normalize: modules.some((module) => module.type.endsWith("models.Normalize")),
    dimension: pooling?.word_embedding_dimension,
    maxSequenceLength: sentenceBert?.max_seq_length,
  };
}

function poolingModeOf(
  pooling: z.output<typeof poolingConfigSchema> | undefined,
  path: string,
): PoolingMode {
  if (!pooling) return "mean";
  const modes: PoolingMode[] = [];
  if (pooling.pooling_mode_cls_token) modes.push("cls");
  if (pooling.pooling_mode_mean_tokens) modes.push("mean");
  if (pooling.pooling_mode_max_tokens) modes.push("max");
  if (pooling.pooling_mode_lasttoken) modes.push("last-token");
  if (modes.length !== 1) {
    throw new HybridRagError(
      "unsupported",
      `${path}: the sentence-transformers pooling config enables ${modes.length === 0 ? "no mode" : modes.join(" + ")}; ` +
        "exactly one of cls, mean, max or last-token pooling is supported.",
    );
  }
  return modes[0]!;
}

/**
 * The directory's ONNX file when it has one (an explicit onnxFile, onnx/model.onnx, model.onnx);
 * otherwise, with safetensors weights, the graph built from them (cached).
 */
async function findOrBuildGraph(
  path: string,
  onnxFile: string | undefined,
  config: ModelConfig,
  options: LoadModelOptions,
): Promise<{ onnxPath: string; builtGraph: BuiltGraphInfo | undefined }> {
  const candidates = onnxFile ? [onnxFile] : defaultOnnxFiles;
  for (const candidate of candidates) {
    const full = join(path, candidate);
    if (await isFile(full)) return { onnxPath: full, builtGraph: undefined };
  }
  if (onnxFile === undefined && (await hasSafetensorsWeights(path))) {
    const task = options.task ?? defaultTaskOf(config);
    const precision = options.graphPrecision ?? "float32";
    const built = await buildModelGraph(path, {
      task,
      precision,
      ...(options.graphCacheDirectory === undefined
        ? {}
        : { cacheDirectory: options.graphCacheDirectory }),
      ...(options.onGraph === undefined ? {} : { onGraph: options.onGraph }),
    });
    return {
      onnxPath: built.onnxPath,
      builtGraph: {
        family: built.family.name,
        task,
        precision,
        cached: built.cached,
        cacheDirectory: options.graphCacheDirectory,
        pairTemplate: built.family.pairInputFormat(config).template,
        vision: built.family.visionInputFormat?.(config, await readProcessorConfig(path)),
      },
    };
  }
  throw new HybridRagError(
    "not-found",
    `No ONNX model in ${path} (looked for ${candidates.join(", ")}) and no safetensors weights ` +
      "(model.safetensors or model.safetensors.index.json) to build one from. Save the model with " +
      "`save_pretrained()`, export it with `optimum-cli export onnx --model <id> <dir>`, or pass onnxFile.",
  );
}

/** processor_config.json (NVIDIA's VLM processors keep their tiling settings there), or {}. */
async function readProcessorConfig(path: string): Promise<Record<string, unknown>> {
  const file = join(path, "processor_config.json");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new HybridRagError("corrupt-data", `${file} is not a JSON object; fix or remove it.`);
}

function defaultTaskOf(config: ModelConfig): ModelTask {
  return config.architectures?.some((name) => name.endsWith("ForSequenceClassification"))
    ? "cross-encoder"
    : "embedder";
}

async function readJson<S extends z.ZodType>(
  directory: string,
  file: string,
  schema: S,
  required: boolean,
): Promise<z.output<S> | undefined> {
  const full = join(directory, file);
  let text: string;
  try {
    text = await readFile(full, "utf8");
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new HybridRagError(
      "not-found",
      `${full} could not be read (${(error as Error).message}); a model directory needs it.`,
      { cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HybridRagError(
      "corrupt-data",
      `${full} is not valid JSON: ${(error as Error).message}.`,
      {
        cause: error,
      },
    );
  }
  try {
    return parseWithSchema(schema, value, full);
  } catch (error) {
    throw new HybridRagError("corrupt-data", (error as Error).message, { cause: error });
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
