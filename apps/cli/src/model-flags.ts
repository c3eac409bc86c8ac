import { type Command, Option } from "commander";
import { defaultEmbeddingModel, type ModelFlags } from "./model-options.ts";

/** Adds the benchmark's model flags to a command. */
export function withModelFlags(command: Command, rerankerDefault: string): Command {
  return command
    .option(
      "--embedding-model <dir|hub-id|url|use-lite>",
      "bi-encoder for the dense side (use-lite: Universal Sentence Encoder Lite from npm, offline)",
      defaultEmbeddingModel,
    )
    .option(
      "--embedding-prefixes <preset>",
      "query/passage prefixes: none, e5, bge (default: from the model name)",
    )
    .addOption(
      new Option("--embedding-api <api>", "API of an --embedding-model URL")
        .choices(["nim", "tei", "openai"])
        .default("nim"),
    )
    .option(
      "--embedding-endpoint-model <name>",
      "model name the embedding endpoint serves (nim, openai)",
    )
    .option("--embedding-dimension <n>", "vector length of the embedding endpoint", (value) =>
      Number.parseInt(value, 10),
    )
    .option(
      "--reranker-model <dir|hub-id|url|none>",
      "cross-encoder for reranking",
      rerankerDefault,
    )
    .addOption(
      new Option("--reranker-api <api>", "API of a --reranker-model URL")
        .choices(["nim", "tei", "cohere"])
        .default("nim"),
    )
    .option(
      "--reranker-endpoint-model <name>",
      "model name the reranking endpoint serves (nim, cohere)",
    )
    .option(
      "--execution-provider <name>",
      "onnxruntime provider: auto, cpu, cuda, tensorrt, webgpu",
      "auto",
    );
}

export function modelFlagsFrom(options: Record<string, unknown>): ModelFlags {
  return options as unknown as ModelFlags;
}
