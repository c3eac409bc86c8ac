import { type Fusion, parseWithSchema } from "@hybrid-rag/core";
import { compareCodePoints } from "@hybrid-rag/core/internal";
import { z } from "zod";
import { commonFusionOptionsShape } from "./fusion-options.ts";
import { checkNamedSources } from "./prepare-lists.ts";
import { scoredFusion } from "./scored-fusion.ts";

export interface ConcatenateFusionOptions {
  /** Sources whose hits come first, in this order; the others follow in code-point order of their names. */
  readonly sourceOrder?: readonly string[];
  readonly rankWindow?: number;
  readonly minSources?: number;
}

export const concatenateFusionOptionsSchema = z.strictObject({
  rankWindow: commonFusionOptionsShape.rankWindow,
  minSources: commonFusionOptionsShape.minSources,
  sourceOrder: z
    .array(z.string().min(1, "source names must not be empty"))
    .refine((names) => new Set(names).size === names.length, "sourceOrder names a source twice")
    .optional(),
});

/**
 * Concatenation: the first source's hits in its order, then the hits of the next source that
 * are not there yet, and so on. The fused score is (number of sources after the first one that
 * returned the document) + 1 / (its rank there), so it decreases down the list.
 */
export function concatenateFusion(options: ConcatenateFusionOptions = {}): Fusion {
  const parsed = parseWithSchema(
    concatenateFusionOptionsSchema,
    options,
    "concatenate fusion options",
  );
  const order = parsed.sourceOrder ?? [];
  return scoredFusion({
    name: "concatenate",
    options: parsed,
    combine: "max",
    checkLists(lists) {
      const sources = new Set(lists.map((list) => list.source));
      checkNamedSources("concatenate", "sourceOrder", order, sources);
    },
    scoreList(list, lists) {
      const sources = lists.map((candidate) => candidate.source);
      const sequence = sources.sort(
        (a, b) => position(order, a) - position(order, b) || compareCodePoints(a, b),
      );
      const tier = sequence.length - 1 - sequence.indexOf(list.source);
      return { contributions: list.hits.map((_, index) => tier + 1 / (index + 1)) };
    },
  });
}

function position(order: readonly string[], source: string): number {
  const index = order.indexOf(source);
  return index === -1 ? order.length : index;
}
