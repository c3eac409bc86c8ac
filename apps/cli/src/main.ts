import { availableParallelism } from "node:os";
import { HybridRagError } from "@hybrid-rag/core";
import { Command, InvalidArgumentError } from "commander";
import { type CliIo, processIo } from "./cli-io.ts";
import { ingestCommand } from "./ingest-command.ts";
import { modelFlagsFrom, withModelFlags } from "./model-flags.ts";
import { searchCommand } from "./search-command.ts";

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError(`expected a whole number ≥ 1, got ${JSON.stringify(value)}.`);
  return number;
}

function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError(`expected a whole number ≥ 0, got ${JSON.stringify(value)}.`);
  return number;
}

/** The `hybrid-rag` program; `io` lets tests capture what it prints. */
export function createProgram(io: CliIo = processIo): Command {
  const program = new Command("hybrid-rag")
    .description(
      "Files to answers: ingest a folder into a hybrid (BM25 + vector) collection, then search it with citations.",
    )
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  withModelFlags(
    program
      .command("ingest")
      .description(
        "load PDFs, HTML, Markdown, text and JSON Lines from a folder into a collection directory (created or updated)",
      )
      .argument("<folder>", "folder to load (recursively)")
      .requiredOption("--into <dir>", "collection directory")
      .option(
        "--max-tokens <n>",
        "most tokens per chunk (capped at the model's input length)",
        positiveInteger,
        256,
      )
      .option(
        "--overlap-tokens <n>",
        "tokens repeated between consecutive chunks",
        nonNegativeInteger,
      )
      .option("--remove-missing", "delete documents whose files are no longer in the folder", false)
      .option(
        "--workers <n>",
        "embedding worker threads, one model each (0: embed on the main thread)",
        nonNegativeInteger,
        availableParallelism(),
      )
      .option("--no-progress", "no progress bar")
      .option("--json", "print the summary as JSON", false),
    "none",
  ).action(async (folder: string, options: Record<string, unknown>) => {
    await ingestCommand(
      folder,
      { ...modelFlagsFrom(options), ...(options as object) } as never,
      io,
    );
  });
  withModelFlags(
    program
      .command("search")
      .description(
        "search a collection: fused (and reranked) passages with source, page and offsets",
      )
      .argument("<dir>", "collection directory")
      .argument("<query>", "the question or keywords")
      .option("--top-k <n>", "passages to print", positiveInteger, 10)
      .option("--candidates <n>", "hits asked of each side before fusion", positiveInteger, 100)
      .option(
        "--context <tokens>",
        "also print an LLM context of at most this many tokens, with [n] citations",
        positiveInteger,
      )
      .option("--json", "print JSON", false),
    "none",
  ).action(
    async (
      directory: string,
      query: string,
      options: Record<string, unknown>,
      command: Command,
    ) => {
      const modelGiven = command.getOptionValueSource("embeddingModel") !== "default";
      await searchCommand(
        directory,
        query,
        { ...modelFlagsFrom(options), ...(options as object), modelGiven } as never,
        io,
      );
    },
  );
  return program;
}

/** Runs the CLI; returns the exit code (errors are printed, not thrown). */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await createProgram(io).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      return code === "commander.helpDisplayed" || code === "commander.version" ? 0 : 2;
    }
    const message = HybridRagError.isInstance(error)
      ? `${error.code}: ${error.message}`
      : String(error);
    io.stderr.write(`hybrid-rag: ${message}\n`);
    return 1;
  }
}
