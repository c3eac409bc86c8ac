import { type Fusion, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";
import {
  type Arithmetic,
  arithmeticSchema,
  type CommonFusionOptions,
  commonFusionOptionsShape,
  rounding,
} from "./fusion-options.ts";
import { distributionNormalize } from "./normalizers.ts";
import { scoredFusion } from "./scored-fusion.ts";

export interface DistributionBasedScoreFusionOptions extends CommonFusionOptions {
  /** "float32" reproduces Qdrant's f32 arithmetic bit for bit (default "float64"). */
  readonly arithmetic?: Arithmetic;
}

export const distributionBasedScoreFusionOptionsSchema = z.strictObject({
  ...commonFusionOptionsShape,
  arithmetic: arithmeticSchema.optional(),
});

/**
 * Distribution-based score fusion exactly as Qdrant computes it: per list, mean and sample
 * standard deviation σ (n − 1); each score becomes (s − (mean − 3σ)) / 6σ, not clamped; a list
 * of one hit or of equal scores gives 0.5; the weighted scores are summed over lists.
 */
export function distributionBasedScoreFusion(
  options: DistributionBasedScoreFusionOptions = {},
): Fusion {
  const parsed = parseWithSchema(
    distributionBasedScoreFusionOptionsSchema,
    options,
    "distribution-based score fusion options",
  );
  const round = rounding(parsed.arithmetic ?? "float64");
  return scoredFusion({
    name: "dbsf",
    options: parsed,
    combine: "sum",
    round,
    scoreList(list) {
      const normalized = distributionNormalize(
        list.hits.map((hit) => round(hit.score)),
        round,
      );
      const weight = round(list.weight);
      return { normalized, contributions: normalized.map((value) => round(value * weight)) };
    },
  });
}
