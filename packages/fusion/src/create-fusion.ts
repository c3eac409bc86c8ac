import { type Fusion, HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import { z } from "zod";
import { type ConcatenateFusionOptions, concatenateFusion } from "./concatenate-fusion.ts";
import {
  type DistributionBasedScoreFusionOptions,
  distributionBasedScoreFusion,
} from "./distribution-based-score-fusion.ts";
import { type LinearFusionOptions, linearFusion } from "./linear-fusion.ts";
import { type MaxScoreFusionOptions, maxScoreFusion } from "./max-score-fusion.ts";
import {
  type ReciprocalRankFusionOptions,
  reciprocalRankFusion,
} from "./reciprocal-rank-fusion.ts";

/** A fusion written as plain JSON: `{ "method": "rrf", "k": 60 }`, `{ "method": "linear", "normalizer": "z-score" }`, … */
export type FusionConfig =
  | ({ readonly method: "rrf" } & ReciprocalRankFusionOptions)
  | ({ readonly method: "linear" } & LinearFusionOptions)
  | ({ readonly method: "dbsf" } & DistributionBasedScoreFusionOptions)
  | ({ readonly method: "max" } & MaxScoreFusionOptions)
  | ({ readonly method: "concatenate" } & ConcatenateFusionOptions);

export type FusionMethod = FusionConfig["method"];

interface FusionMethodEntry {
  readonly create: (options: object) => Fusion;
  /** One line for help texts and the pipeline spec's JSON Schema. */
  readonly description: string;
}

/**
 * The one list of fusion methods: `createFusion`, the pipeline spec's schema and every app's
 * `--fusion` help read it, so a method added here is available everywhere.
 */
export const fusionMethodRegistry: Readonly<Record<FusionMethod, FusionMethodEntry>> = {
  rrf: {
    create: reciprocalRankFusion,
    description: "reciprocal rank fusion, Σ w / (k + rank), 1-based ranks (k: 60)",
  },
  linear: {
    create: linearFusion,
    description: "Σ w × normalised score (normalizer: min-max, z-score, l2, rank, none)",
  },
  dbsf: {
    create: distributionBasedScoreFusion,
    description: "distribution-based score fusion: scores scaled by mean ± 3σ, then summed",
  },
  max: { create: maxScoreFusion, description: "the best weighted score of any source" },
  concatenate: {
    create: concatenateFusion,
    description: "each source's list in turn, duplicates dropped (no scores combined)",
  },
};

export const fusionMethods = Object.keys(fusionMethodRegistry) as FusionMethod[];

/**
 * Builds a fusion from plain JSON (a config file, an HTTP body). Each method validates its own
 * options with zod, so an unknown or misspelt option is an `invalid-argument` error.
 */
export function createFusion(config: unknown): Fusion {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new HybridRagError(
      "invalid-argument",
      `A fusion config must be an object such as { "method": "rrf" }, got ${config === null ? "null" : Array.isArray(config) ? "an array" : typeof config}.`,
    );
  }
  const { method, ...options } = config as { method?: unknown };
  if (typeof method !== "string" || !Object.hasOwn(fusionMethodRegistry, method)) {
    throw new HybridRagError(
      "invalid-argument",
      `Unknown fusion method ${JSON.stringify(method) ?? "undefined"}; known methods: ${fusionMethods.map((name) => `"${name}"`).join(", ")}.`,
      { details: { method, known: fusionMethods } },
    );
  }
  return fusionMethodRegistry[method as FusionMethod].create(options);
}

/**
 * A fusion config inside a larger JSON document (the pipeline spec): `method` one of the
 * registry's, the rest checked by that method's own options schema (through `createFusion`).
 */
export const fusionConfigSchema = z
  .looseObject({
    method: z.enum(fusionMethods as [FusionMethod, ...FusionMethod[]], {
      error: `fusion.method must be one of ${fusionMethods.map((name) => `"${name}"`).join(", ")}`,
    }),
  })
  .superRefine((config, context) => {
    try {
      createFusion(config);
    } catch (error) {
      context.addIssue({ code: "custom", message: toHybridRagError(error).message });
    }
  })
  .meta({
    description: `How ranked lists are fused: ${fusionMethods.map((name) => `"${name}": ${fusionMethodRegistry[name].description}`).join("; ")}.`,
  }) as unknown as z.ZodType<FusionConfig>;
