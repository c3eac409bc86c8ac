import { type SpecFlag, type SpecFlagPath, specFlag } from "@hybrid-rag/pipeline";
import { type Command, Option } from "commander";
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

/** The choices of a spec flag, for `cliOptionsSchema` (the same list `--help` shows). */
export function choicesOf(path: SpecFlagPath): [string, ...string[]] {
  const choices = benchmarkSpecFlags.find((flag) => flag.path === path)?.choices ?? [];
  return choices as [string, ...string[]];
}
