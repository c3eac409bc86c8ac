import { HybridRagError } from "@hybrid-rag/core";
import type { PairInputFormat } from "../model-family.ts";

/**
 * config.json key a directory may carry to override its family's pair format, e.g.
 * `"pair_input_template": "query: {query} document: {passage}"`. Published checkpoints carry
 * none; the families' defaults come from the model cards.
 */
export const pairTemplateKey = "pair_input_template";

/** The directory's own template when it has one, else the family's default. */
export function pairFormatFromConfig(
  config: Readonly<Record<string, unknown>>,
  familyDefault: string,
  family: string,
): PairInputFormat {
  const override = config[pairTemplateKey];
  if (override === undefined) return { template: familyDefault };
  if (
    typeof override !== "string" ||
    !override.includes("{query}") ||
    !override.includes("{passage}")
  ) {
    throw new HybridRagError(
      "invalid-argument",
      `${family} config.json: ${pairTemplateKey} must be a string containing {query} and {passage}, got ${JSON.stringify(override)}; remove it to use the model card's format ${JSON.stringify(familyDefault)}.`,
    );
  }
  return { template: override };
}
