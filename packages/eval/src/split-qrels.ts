import { HybridRagError } from "@hybrid-rag/core";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { Qrels } from "./types.ts";

/**
 * Splits qrels by query into a tuning part (`fraction` of the queries) and a held-out part,
 * with a seeded shuffle so the split is reproducible. For tuning fusion without overfitting the
 * numbers you report.
 */
export function splitQrels(
  qrels: Qrels,
  options: { readonly fraction?: number; readonly seed?: number } = {},
): { readonly tune: Qrels; readonly heldOut: Qrels } {
  const fraction = options.fraction ?? 0.5;
  if (!(fraction > 0 && fraction < 1)) {
    throw new HybridRagError(
      "invalid-argument",
      `fraction must be between 0 and 1 (exclusive), got ${fraction}.`,
    );
  }
  const queryIds = [...qrels.keys()];
  const generator = xoroshiro128plus(options.seed ?? 42);
  // Fisher–Yates shuffle.
  for (let index = queryIds.length - 1; index > 0; index -= 1) {
    const other = uniformInt(generator, 0, index);
    [queryIds[index], queryIds[other]] = [queryIds[other] as string, queryIds[index] as string];
  }
  const cut = Math.round(queryIds.length * fraction);
  const pick = (ids: readonly string[]): Qrels =>
    new Map(ids.map((queryId) => [queryId, qrels.get(queryId) ?? new Map<string, number>()]));
  return { tune: pick(queryIds.slice(0, cut)), heldOut: pick(queryIds.slice(cut)) };
}
