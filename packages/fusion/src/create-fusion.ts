import { type Fusion, HybridRagError } from "@hybrid-rag/core";
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

const factories: Record<FusionMethod, (options: object) => Fusion> = {
  rrf: reciprocalRankFusion,
  linear: linearFusion,
  dbsf: distributionBasedScoreFusion,
  max: maxScoreFusion,
  concatenate: concatenateFusion,
};

export const fusionMethods = Object.keys(factories) as FusionMethod[];

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
  if (typeof method !== "string" || !Object.hasOwn(factories, method)) {
    throw new HybridRagError(
      "invalid-argument",
      `Unknown fusion method ${JSON.stringify(method) ?? "undefined"}; known methods: ${fusionMethods.map((name) => `"${name}"`).join(", ")}.`,
      { details: { method, known: fusionMethods } },
    );
  }
  return factories[method as FusionMethod](options);
}
