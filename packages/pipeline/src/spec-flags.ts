import { HybridRagError } from "@hybrid-rag/core";
import {
  fusionMethodRegistry,
  fusionMethods,
  linearFusionOptionsSchema,
  reciprocalRankFusionOptionsSchema,
} from "@hybrid-rag/fusion";
import type { z } from "zod";
import { type PipelineSpecInput, pipelineSpecSchema } from "./pipeline-spec.ts";

/**
 * A command-line flag that overrides one field of the pipeline spec. Its description, choices
 * and default come from the spec's zod schema (and the fusion registry), so an app declares a
 * setting once: it names the flag, the schema says the rest.
 */
export interface SpecFlag {
  /** e.g. `--embedding-model`. */
  readonly flag: string;
  /** What the value is, for `--help`: `--embedding-model <dir|hub-id|url|use-lite|none>`. */
  readonly valueName: string;
  /** The spec field it sets, dotted: `embedder.model`. */
  readonly path: SpecFlagPath;
  readonly description: string;
  readonly choices?: readonly string[];
  /** The schema's default for the field, if it has one (shown when an app's spec leaves it out). */
  readonly defaultValue?: unknown;
  /** Turns the text given on the command line into the field's value (numbers, weights). */
  parse(text: string): unknown;
}

interface FlagEntry {
  readonly flag: string;
  readonly valueName?: string;
  /** Only where the schema has no description (the fusion methods' own option schemas). */
  readonly description?: string;
  readonly schema?: z.ZodType;
  readonly parse?: (text: string, flag: string) => unknown;
}

const normalizerSchema = (
  linearFusionOptionsSchema as unknown as { shape: { normalizer: z.ZodType } }
).shape.normalizer;
const rrfKSchema = (reciprocalRankFusionOptionsSchema as unknown as { shape: { k: z.ZodType } })
  .shape.k;

/** Every spec field a flag can set, with the flag name the apps share. */
const flagEntries = {
  "sparse.analyzer": { flag: "--analyzer" },
  "sparse.k1": { flag: "--k1" },
  "sparse.b": { flag: "--b" },
  "sparse.url": { flag: "--elasticsearch-url", valueName: "url" },
  "dense.metric": { flag: "--metric" },
  "dense.url": { flag: "--qdrant-url", valueName: "url" },
  "embedder.model": { flag: "--embedding-model", valueName: "dir|hub-id|url|use-lite|none" },
  "embedder.api": { flag: "--embedding-api" },
  "embedder.endpointModel": { flag: "--embedding-endpoint-model", valueName: "name" },
  "embedder.dimension": { flag: "--embedding-dimension" },
  "embedder.prefixes": { flag: "--embedding-prefixes", valueName: "preset" },
  "embedder.embedBatchSize": { flag: "--embed-batch-size" },
  "reranker.model": { flag: "--reranker-model", valueName: "dir|hub-id|url|none" },
  "reranker.api": { flag: "--reranker-api" },
  "reranker.endpointModel": { flag: "--reranker-endpoint-model", valueName: "name" },
  "reranker.images": {
    flag: "--reranker-images",
    valueName: "yes|no",
    description:
      "the nim endpoint serves a VLM reranker (llama-nemotron-rerank-vl): send passages' images too",
    parse: parseYesNo,
  },
  executionProvider: { flag: "--execution-provider" },
  "fusion.method": {
    flag: "--fusion",
    valueName: "method",
    description: `how the lists are fused: ${fusionMethods.map((method) => `${method} (${fusionMethodRegistry[method].description})`).join("; ")}`,
  },
  "fusion.k": {
    flag: "--rrf-k",
    description: "RRF rank constant k of --fusion rrf (paper formula, 1-based ranks)",
    schema: rrfKSchema,
  },
  "fusion.normalizer": {
    flag: "--normalizer",
    description: "score normaliser of --fusion linear",
    schema: normalizerSchema,
  },
  "fusion.weights": {
    flag: "--fusion-weights",
    valueName: "list",
    description: "per-retriever weights, e.g. dense=0.7,bm25=0.3",
    parse: parseWeights,
  },
  "chunking.maxTokens": { flag: "--max-tokens" },
  "chunking.overlapTokens": { flag: "--overlap-tokens" },
  "topK.retrieve": { flag: "--candidates", description: "hits asked of each retriever" },
  "topK.rerank": { flag: "--rerank-top", description: "candidates the reranker scores" },
  "topK.final": { flag: "--top-k", description: "hits returned" },
  pageImages: { flag: "--page-images" },
  maxPageImages: { flag: "--max-page-images" },
} satisfies Record<string, FlagEntry>;

export type SpecFlagPath = keyof typeof flagEntries;

/** The flag of a spec field; an app may rename it or describe it (e.g. `--top-k`, two fields). */
export function specFlag(
  path: SpecFlagPath,
  overrides: { readonly flag?: string; readonly description?: string } = {},
): SpecFlag {
  const entry: FlagEntry = flagEntries[path];
  // A flag with its own parser (weights) sets a field the fusion method's schema checks.
  const schema = entry.schema ?? (entry.parse ? undefined : fieldSchema(path));
  const layers = schema ? unwrap(schema) : { numeric: false };
  const choices =
    path === "fusion.method" ? fusionMethods : "choices" in layers ? layers.choices : undefined;
  const flag = overrides.flag ?? entry.flag;
  const description =
    overrides.description ??
    entry.description ??
    ("description" in layers ? layers.description : undefined) ??
    path;
  return {
    flag,
    valueName: entry.valueName ?? (choices ? "name" : layers.numeric ? "n" : "value"),
    path,
    description,
    ...(choices ? { choices } : {}),
    ...("defaultValue" in layers ? { defaultValue: layers.defaultValue } : {}),
    parse: (text) =>
      entry.parse ? entry.parse(text, flag) : layers.numeric ? parseNumber(text, flag) : text,
  };
}

/**
 * The spec schema's own check of one field (optional and default wrappers removed), so an app
 * that validates a flag's value before building the spec checks it by the same rule and
 * declares nothing twice. Fields set through a parser of their own (weights) have none.
 */
export function specFieldSchema(path: SpecFlagPath): z.ZodType | undefined {
  const entry: FlagEntry = flagEntries[path];
  if (entry.parse) return undefined;
  return unwrap(entry.schema ?? fieldSchema(path)).inner;
}

/** Reads a field of a spec (input or output) by its dotted path. */
export function specValueAt(spec: unknown, path: SpecFlagPath): unknown {
  let value: unknown = spec;
  for (const key of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The spec with each given flag's value in its field. `none` as an embedder or reranker model
 * leaves that part out; a new fusion method drops the old method's options (k, normalizer)
 * unless they are given too. Validate the result with `parsePipelineSpec`.
 */
export function applySpecFlags(
  spec: PipelineSpecInput,
  given: Readonly<Partial<Record<SpecFlagPath, unknown>>>,
): PipelineSpecInput {
  const result = structuredClone(spec) as Record<string, unknown>;
  const methodGiven = given["fusion.method"];
  if (methodGiven !== undefined && methodGiven !== specValueAt(spec, "fusion.method")) {
    const { weights } = (result.fusion ?? {}) as { weights?: unknown };
    result.fusion = { method: methodGiven, ...(weights === undefined ? {} : { weights }) };
  }
  for (const [path, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const [section, field] = path.split(".") as [string, string | undefined];
    if (field === undefined) {
      result[section] = value;
      continue;
    }
    if (field === "model" && (section === "embedder" || section === "reranker")) {
      if (typeof value === "string" && ["", "none"].includes(value.trim())) {
        delete result[section];
        continue;
      }
    }
    const current = result[section];
    result[section] = {
      ...(typeof current === "object" && current !== null ? current : {}),
      [field]: value,
    };
  }
  return result as PipelineSpecInput;
}

function fieldSchema(path: string): z.ZodType {
  const [section, field] = path.split(".") as [string, string | undefined];
  const top = (pipelineSpecSchema.shape as Record<string, z.ZodType>)[section];
  if (!top) throw new HybridRagError("internal", `no spec section ${section}`);
  if (field === undefined) return top;
  const container = unwrap(top).inner as unknown as {
    shape?: Record<string, z.ZodType>;
    options?: Array<{ shape: Record<string, z.ZodType> }>;
  };
  const shapes = container.shape
    ? [container.shape]
    : (container.options ?? []).map((o) => o.shape);
  const found = shapes.find((shape) => field in shape)?.[field];
  if (!found) throw new HybridRagError("internal", `no spec field ${path}`);
  return found;
}

/** Looks through optional/default wrappers for the description, the enum and the number type. */
function unwrap(schema: z.ZodType): {
  inner: z.ZodType;
  description?: string;
  choices?: readonly string[];
  defaultValue?: unknown;
  numeric: boolean;
} {
  let current = schema as z.ZodType & {
    description?: string;
    _zod: { def: { type: string; innerType?: z.ZodType } };
    options?: readonly string[];
  };
  let description: string | undefined;
  let defaultValue: unknown;
  for (;;) {
    description ??= current.description;
    const { type, innerType } = current._zod.def;
    if (type === "default")
      defaultValue ??= (current._zod.def as { defaultValue?: unknown }).defaultValue;
    if ((type === "optional" || type === "default") && innerType) {
      current = innerType as typeof current;
      continue;
    }
    return {
      inner: current,
      ...(description ? { description } : {}),
      ...(type === "enum" && current.options ? { choices: current.options } : {}),
      ...(defaultValue === undefined ? {} : { defaultValue }),
      numeric: type === "number",
    };
  }
}

function parseYesNo(text: string, flag: string): boolean {
  if (text === "yes") return true;
  if (text === "no") return false;
  throw new HybridRagError(
    "invalid-argument",
    `${flag} takes yes or no, got ${JSON.stringify(text)}.`,
  );
}

function parseNumber(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new HybridRagError(
      "invalid-argument",
      `${flag} takes a number, got ${JSON.stringify(text)}.`,
    );
  }
  return value;
}

/** `dense=0.7,bm25=0.3` → { dense: 0.7, bm25: 0.3 } (the names are the retrievers' names). */
export function parseWeights(text: string, flag = "--fusion-weights"): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const pair of text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name, value] = pair.split("=").map((part) => part.trim());
    const weight = Number(value);
    if (!name || value === undefined || value === "" || !Number.isFinite(weight) || weight < 0) {
      throw new HybridRagError(
        "invalid-argument",
        `${flag}: "${pair}" is not name=weight with a weight ≥ 0; e.g. ${flag} dense=0.7,bm25=0.3`,
      );
    }
    weights[name] = weight;
  }
  return weights;
}
