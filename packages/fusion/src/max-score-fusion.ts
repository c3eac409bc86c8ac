import { type Fusion, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";
import { type CommonFusionOptions, commonFusionOptionsShape } from "./fusion-options.ts";
import { type Normalizer, normalize, normalizerSchema } from "./normalizers.ts";
import { scoredFusion } from "./scored-fusion.ts";

export interface MaxScoreFusionOptions extends CommonFusionOptions {
  /** How each list's scores are normalised before comparing them (default "min-max"). */
  readonly normalizer?: Normalizer;
  /** min-max only: the normalised score of a list whose scores are all equal (default 1). */
  readonly allEqualScore?: number;
}

export const maxScoreFusionOptionsSchema = z.strictObject({
  ...commonFusionOptionsShape,
  normalizer: normalizerSchema.optional(),
  allEqualScore: z.number({ error: "allEqualScore must be a finite number" }).optional(),
});

/** CombMAX: each document scores the highest weight × normalised score any source gave it. */
export function maxScoreFusion(options: MaxScoreFusionOptions = {}): Fusion {
  const parsed = parseWithSchema(maxScoreFusionOptionsSchema, options, "max score fusion options");
  const normalizer = parsed.normalizer ?? "min-max";
  const settings = { round: (value: number) => value, allEqualScore: parsed.allEqualScore ?? 1 };
  return scoredFusion({
    name: `max:${normalizer}`,
    options: parsed,
    combine: "max",
    scoreList(list) {
      const normalized = normalize(
        normalizer,
        list.hits.map((hit) => hit.score),
        settings,
      );
      return { normalized, contributions: normalized.map((value) => list.weight * value) };
    },
  });
}
