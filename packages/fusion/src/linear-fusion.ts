import { type Fusion, HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";
import { elasticsearchNormalize } from "./elasticsearch-normalizers.ts";
import { type CommonFusionOptions, commonFusionOptionsShape } from "./fusion-options.ts";
import { type Normalizer, normalize, normalizerSchema } from "./normalizers.ts";
import { scoredFusion } from "./scored-fusion.ts";

export interface LinearFusionOptions extends CommonFusionOptions {
  /** How each list's scores are normalised before weighting (default "min-max"). */
  readonly normalizer?: Normalizer;
  /** min-max only: the normalised score of every hit of a list whose scores are all equal (default 1). */
  readonly allEqualScore?: number;
  /**
   * "default" computes in float64; "elasticsearch" reproduces the `linear` retriever (Java floats,
   * minmax |max − min| < 1e-6 → 1, l2_norm leaves tiny norms alone; normalisers min-max, l2, none).
   */
  readonly flavour?: "default" | "elasticsearch";
}

export const linearFusionOptionsSchema = z
  .strictObject({
    ...commonFusionOptionsShape,
    normalizer: normalizerSchema.optional(),
    allEqualScore: z.number({ error: "allEqualScore must be a finite number" }).optional(),
    flavour: z
      .enum(["default", "elasticsearch"], { error: 'flavour must be "default" or "elasticsearch"' })
      .optional(),
  })
  .refine(
    (options) =>
      options.flavour !== "elasticsearch" ||
      ["min-max", "l2", "none", undefined].includes(options.normalizer),
    {
      path: ["normalizer"],
      message: 'the elasticsearch flavour supports the normalizers "min-max", "l2" and "none"',
    },
  );

/**
 * Linear (convex) combination: Σ weight × normalised score over the sources that returned the
 * document; a source that did not return it contributes 0.
 */
export function linearFusion(options: LinearFusionOptions = {}): Fusion {
  const parsed = parseWithSchema(linearFusionOptionsSchema, options, "linear fusion options");
  const normalizer = parsed.normalizer ?? "min-max";
  const elasticsearch = parsed.flavour === "elasticsearch";
  if (elasticsearch && parsed.allEqualScore !== undefined) {
    throw new HybridRagError(
      "invalid-argument",
      "linear fusion: allEqualScore cannot be set with the elasticsearch flavour (Elasticsearch uses 1).",
    );
  }
  const name = `linear:${normalizer}${elasticsearch ? ":elasticsearch" : ""}`;
  const round = elasticsearch ? Math.fround : (value: number) => value;
  const settings = { round, allEqualScore: parsed.allEqualScore ?? 1 };
  return scoredFusion({
    name,
    options: parsed,
    combine: "sum",
    round,
    scoreList(list) {
      const scores = list.hits.map((hit) => hit.score);
      const normalized = elasticsearch
        ? elasticsearchNormalize(normalizer, scores)
        : normalize(normalizer, scores, settings);
      const weight = round(list.weight);
      return { normalized, contributions: normalized.map((value) => round(weight * value)) };
    },
  });
}
