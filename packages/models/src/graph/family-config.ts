import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import type { z } from "zod";

/** config.json checked against a family's schema: what it lacks or has wrong is `corrupt-data`. */
export function parseFamilyConfig<S extends z.ZodType>(
  schema: S,
  config: Readonly<Record<string, unknown>>,
  family: string,
): z.output<S> {
  try {
    return parseWithSchema(schema, config, `config.json for the ${family} family`);
  } catch (error) {
    throw new HybridRagError("corrupt-data", (error as Error).message, { cause: error });
  }
}

/** The tensor-name prefix in front of the base model's weights ("bert.", "roberta.", "model." or none). */
export function basePrefix(
  has: (name: string) => boolean,
  probe: string,
  prefixes: readonly string[],
): string {
  return prefixes.find((prefix) => has(`${prefix}${probe}`)) ?? "";
}

/** Labels of a sequence classifier: a reranker needs exactly one logit. */
export function assertOneLabel(config: Readonly<Record<string, unknown>>, family: string): void {
  const labels = config.id2label;
  const count =
    typeof config.num_labels === "number"
      ? config.num_labels
      : typeof labels === "object" && labels !== null
        ? Object.keys(labels).length
        : 1;
  if (count !== 1) {
    throw new HybridRagError(
      "unsupported",
      `This ${family} sequence classifier has ${count} labels (config.json id2label); a cross-encoder reranker needs exactly one logit per pair.`,
    );
  }
}
