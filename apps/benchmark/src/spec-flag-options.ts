import { type SpecFlag, type SpecFlagPath, specFieldSchema, specFlag } from "@hybrid-rag/pipeline";
import { type Command, Option } from "commander";
import { z } from "zod";
import { defaultEmbeddingModel, defaultRerankerModel } from "./engine-settings.ts";

/**
 * The benchmark's flags that set pipeline spec fields. Their descriptions and choices are the
 * spec schema's (`@hybrid-rag/pipeline`), so they are declared once; `cliOptionsSchema` checks
 * the values with the same choices and `specOfRequest` writes them into the spec.
 */
export const benchmarkSpecFlags: readonly SpecFlag[] = [
  specFlag("sparse.analyzer"),
  specFlag("sparse.k1"),
  specFlag("sparse.b"),
  specFlag("embedder.model", { description: "bi-encoder for dense retrieval" }),
  specFlag("reranker.model", { description: "cross-encoder for reranking" }),
  specFlag("embedder.prefixes"),
  specFlag("embedder.api"),
  specFlag("embedder.endpointModel"),
  specFlag("embedder.dimension"),
  specFlag("reranker.api"),
  specFlag("reranker.endpointModel"),
  specFlag("executionProvider"),
  specFlag("fusion.method"),
  specFlag("fusion.k"),
  specFlag("fusion.normalizer"),
  specFlag("fusion.weights"),
];

/** Defaults the spec schema leaves to the app (models, and the fusion methods' options). */
const benchmarkDefaults: Partial<Record<SpecFlagPath, unknown>> = {
  "embedder.model": defaultEmbeddingModel,
  "reranker.model": defaultRerankerModel,
  "fusion.method": "rrf",
  "fusion.k": 60,
  "fusion.normalizer": "min-max",
};

/**
 * One commander option per spec flag. Values stay text: `cliOptionsSchema` validates and
 * converts them with every other option, naming the flag.
 */
export function withBenchmarkSpecFlags(command: Command): Command {
  for (const flag of benchmarkSpecFlags) {
    const option = new Option(`${flag.flag} <${flag.valueName}>`, flag.description);
    if (flag.choices) option.choices(flag.choices);
    const fallback = benchmarkDefaults[flag.path] ?? flag.defaultValue;
    if (fallback !== undefined) option.default(fallback);
    command.addOption(option);
  }
  return command;
}

/**
 * The check of a spec flag's value in `cliOptionsSchema`: the flag's own parser (numbers), then
 * the spec schema's rule for that field, the message naming the flag (`--b: b must be between
 * 0 and 1`). Absent, it is `fallback` (what commander would have filled in).
 */
export function specFlagValue<Value>(path: SpecFlagPath, fallback?: Value) {
  const flag = benchmarkSpecFlags.find((candidate) => candidate.path === path);
  const field = specFieldSchema(path);
  if (!flag || !field) throw new Error(`no spec flag with a field schema for ${path}`);
  return z.unknown().transform((given, context): Value => {
    if (given === undefined) return fallback as Value;
    let value: unknown = given;
    try {
      value = typeof given === "string" ? flag.parse(given) : given;
    } catch (error) {
      context.addIssue({
        code: "custom",
        message: error instanceof Error ? error.message : String(error),
      });
      return z.NEVER;
    }
    const checked = field.safeParse(value);
    if (checked.success) return checked.data as Value;
    for (const issue of checked.error.issues) {
      context.addIssue({ code: "custom", message: `${flag.flag}: ${issue.message}` });
    }
    return z.NEVER;
  });
}
