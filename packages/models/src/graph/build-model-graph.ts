import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import { tokenIdInTokenizerJson } from "./families/tokenizer-vocabulary.ts";
import { selectModelFamily } from "./families.ts";
import { defaultGraphCacheDirectory, graphCacheKey } from "./graph-cache.ts";
import { assertModelFits } from "./memory-check.ts";
import type { GraphPrecision, ModelFamily, ModelTask } from "./model-family.ts";
import { OnnxGraphBuilder } from "./onnx-graph-builder.ts";
import { SafetensorsWeights } from "./safetensors-weights.ts";

export const builtModelFile = "model.onnx";
export const builtDataFile = "model.onnx.data";

export interface BuildGraphOptions {
  readonly task: ModelTask;
  readonly precision?: GraphPrecision;
  /** Default: defaultGraphCacheDirectory() (HYBRID_RAG_CACHE_DIR, else ~/.cache/hybrid-rag/graphs). */
  readonly cacheDirectory?: string;
  /** Told when a graph is built or found in the cache; default: one line on stderr. */
  readonly onGraph?: (event: GraphEvent) => void;
}

export interface GraphEvent {
  /** "built": the graph was written now; "cached": an earlier build was reused, nothing built. */
  readonly kind: "built" | "cached";
  readonly directory: string;
  readonly family: string;
  readonly task: ModelTask;
  readonly precision: GraphPrecision;
  readonly onnxPath: string;
  /** Build time (kind "built"). */
  readonly milliseconds: number | undefined;
}

/** A graph built from a safetensors directory (or taken from the cache). */
export interface BuiltGraph {
  readonly onnxPath: string;
  readonly family: ModelFamily;
  readonly cached: boolean;
}

/**
 * Builds the ONNX graph of a safetensors model directory with its architecture family, or
 * reuses the one cached under the same key (content hash of config.json and the weights, plus
 * family, task, precision and builder version). A build writes into a private folder and
 * renames it into place, so a crash or a concurrent build never leaves half a graph in the cache.
 */
export async function buildModelGraph(
  directory: string,
  options: BuildGraphOptions,
): Promise<BuiltGraph> {
  const precision = options.precision ?? "float32";
  const cacheDirectory = options.cacheDirectory ?? defaultGraphCacheDirectory();
  const onGraph = options.onGraph ?? logGraphEvent;
  const configPath = join(directory, "config.json");
  const configBytes = await readFile(configPath);
  const config = parseConfig(configBytes, configPath);
  const family = selectModelFamily(config, configPath);
  if (!family.tasks.includes(options.task)) {
    throw new HybridRagError(
      "unsupported",
      `${directory} is a ${family.name} model, which hybrid-rag builds as ${family.tasks.join(" or ")}, not as ${options.task}.`,
    );
  }
  const weights = await SafetensorsWeights.open(directory);
  try {
    assertDTypeMatchesConfig(config, weights, configPath);
    // Before the content hash too: a model that cannot fit is not read at all.
    assertModelFits(directory, weights, precision);
    const tokenizerBytes = await readFile(join(directory, "tokenizer.json")).catch(() => undefined);
    const key = await graphCacheKey(cacheDirectory, {
      tokenizerBytes,
      family: family.name,
      task: options.task,
      precision,
      configBytes,
      weightFiles: weights.files,
    });
    const folder = join(cacheDirectory, key);
    const onnxPath = join(folder, builtModelFile);
    const event = { directory, family: family.name, task: options.task, precision, onnxPath };
    if (await isFile(onnxPath)) {
      onGraph({ kind: "cached", ...event, milliseconds: undefined });
      return { onnxPath, family, cached: true };
    }
    const started = performance.now();
    const staging = `${folder}.building-${process.pid}-${randomBytes(4).toString("hex")}`;
    await mkdir(staging, { recursive: true });
    try {
      const builder = new OnnxGraphBuilder({
        weights: precision,
        externalDataPath: join(staging, builtDataFile),
      });
      try {
        const tokenizerJson = parseTokenizerJson(tokenizerBytes);
        await family.build({
          config,
          weights,
          builder,
          precision,
          task: options.task,
          tokenId: (token) => tokenIdInTokenizerJson(tokenizerJson, token),
        });
      } finally {
        builder.close();
      }
      await writeFile(
        join(staging, builtModelFile),
        builder.encode(`${family.name}-${options.task}`, family.opset ?? 17),
      );
      await rename(staging, folder).catch(async (error: NodeJS.ErrnoException) => {
        // Another process built the same graph meanwhile: keep theirs.
        if (!(await isFile(onnxPath))) throw error;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    onGraph({ kind: "built", ...event, milliseconds: performance.now() - started });
    return { onnxPath, family, cached: false };
  } finally {
    await weights.close();
  }
}

function logGraphEvent(event: GraphEvent): void {
  const what = `${event.family} ${event.task} graph (${event.precision}) for ${event.directory}`;
  process.stderr.write(
    event.kind === "built"
      ? `hybrid-rag: built the ${what} in ${((event.milliseconds ?? 0) / 1000).toFixed(1)} s → ${event.onnxPath}\n`
      : `hybrid-rag: using the cached ${what} (no build) → ${event.onnxPath}\n`,
  );
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

function parseConfig(bytes: Uint8Array, path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new HybridRagError(
      "corrupt-data",
      `${path} is not valid JSON: ${(error as Error).message}.`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HybridRagError(
      "corrupt-data",
      `${path} must hold a JSON object (the model's configuration).`,
    );
  }
  return value as Record<string, unknown>;
}

const storedDTypeOf: Readonly<Record<string, string>> = {
  float32: "F32",
  float16: "F16",
  bfloat16: "BF16",
};

/**
 * config.json's `torch_dtype` (transformers 4) or `dtype` (transformers 5) names the precision
 * the weights were saved in; weights of which none has that dtype belong to another save.
 */
function assertDTypeMatchesConfig(
  config: Readonly<Record<string, unknown>>,
  weights: SafetensorsWeights,
  configPath: string,
): void {
  const declared = config.torch_dtype ?? config.dtype;
  if (typeof declared !== "string") return;
  const expected = storedDTypeOf[declared];
  if (expected === undefined) return;
  const stored = new Set(weights.names().map((name) => weights.info(name)!.dtype));
  if (stored.size > 0 && !stored.has(expected as never)) {
    throw new HybridRagError(
      "corrupt-data",
      `${configPath} says the weights are ${declared} (${expected}), but ${weights.files.join(", ")} store ${[...stored].join(", ")}; ` +
        "config.json and the weights come from different saves. Save the model again.",
    );
  }
}

/** tokenizer.json as parsed, for families whose score reads given tokens (undefined if absent). */
function parseTokenizerJson(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
