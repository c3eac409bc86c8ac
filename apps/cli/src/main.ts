import { availableParallelism } from "node:os";
import { HybridRagError } from "@hybrid-rag/core";
import { supportedExtensions } from "@hybrid-rag/loaders";
import { Command, InvalidArgumentError, Option } from "commander";
import { type CliIo, processIo } from "./cli-io.ts";
import { cliDefaultSpec, ingestSpecFlags, searchSpecFlags } from "./cli-spec.ts";
import { ingestCommand } from "./ingest-command.ts";
import { imageLimitsFrom, loaderOptionsFrom, withLoaderFlags } from "./loader-flags.ts";
import { addMcpCommand } from "./mcp-command.ts";
import { searchCommand } from "./search-command.ts";
import { addServeCommand } from "./serve-command.ts";
import { printSpecIfAsked, specOfCommand, withSpecOptions } from "./spec-options.ts";
import { escapeForTerminal } from "./terminal-text.ts";

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

/** The longest `--wait`: a day (well within what a timer can wait). */
const maxWaitSeconds = 86_400;

function waitSeconds(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number < 0 || number > maxWaitSeconds)
    throw new InvalidArgumentError(
      `expected seconds from 0 to ${maxWaitSeconds}, got ${JSON.stringify(value)}.`,
    );
  return number;
}

/** Exit codes beyond 0 (done), 1 (an error) and 2 (bad usage); listed in the CLI README. */
export const exitCodes = {
  /** Some documents could not be written: each is listed with its reason; the rest is saved. */
  documentsFailed: 3,
  /** Another writer holds the collection (`locked`): retry later or pass `--wait`. */
  locked: 4,
  /** Interrupted (Ctrl-C): the committed steps stay; the same command resumes. */
  interrupted: 130,
} as const;

/**
 * The `hybrid-rag` program; `io` lets tests capture what it prints. `setExitCode` receives a
 * non-zero code for a command that finished but did not do everything (failed documents).
 */
export function createProgram(
  io: CliIo = processIo,
  setExitCode: (code: number) => void = () => undefined,
): Command {
  const program = new Command("hybrid-rag")
    .description(
      "Files to answers: ingest a folder into a hybrid (BM25 + vector) collection, then search it with citations.",
    )
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  withSpecOptions(
    withLoaderFlags(
      program
        .command("ingest")
        .description(
          `load the files @hybrid-rag/loaders reads (${supportedExtensions.join(", ")}) from a folder into a collection directory (created or updated)`,
        )
        .argument("<folder>", "folder to load (recursively)")
        .requiredOption("--into <dir>", "collection directory")
        .option(
          "--remove-missing",
          'delete documents whose files are no longer in the folder (default: report them; "removeMissing": true in <dir>/hybrid-rag.json makes it the default)',
        )
        .option(
          "--no-remove-missing",
          "keep documents whose files left the folder, whatever hybrid-rag.json says",
        )
        .option(
          "--include <glob...>",
          "ingest only files matching these patterns (gitignore syntax, relative to the folder)",
        )
        .option(
          "--exclude <glob...>",
          "leave out files matching these patterns (gitignore syntax; a .hybridragignore file in the folder adds more)",
        )
        .option(
          "--checkpoint-every <n>",
          "commit a durable step after this many documents (also every 30 s); an interrupted ingest resumes from the last step",
          positiveInteger,
          500,
        )
        .option(
          "--wait <seconds>",
          "wait up to this long for another writer of the collection to finish (default: fail at once with locked)",
          waitSeconds,
          0,
        )
        .option(
          "--workers <n>",
          "embedding worker threads, one model each (0: embed on the main thread)",
          nonNegativeInteger,
          availableParallelism(),
        )
        .addOption(
          new Option(
            "--analyzer <name>",
            "BM25 analyzer of a new collection, recorded in its manifest (standard: Lucene's, no stemming or stop words; english: stop words dropped, Porter stems)",
          ).choices(["standard", "english"]),
        )
        .option("--no-progress", "no progress bar")
        .option("--json", "print the summary as JSON", false),
    ),
    ingestSpecFlags,
    cliDefaultSpec,
  ).action(async (folder: string, options: Record<string, unknown>, command: Command) => {
    const spec = await specOfCommand(command, ingestSpecFlags, cliDefaultSpec);
    if (printSpecIfAsked(command, spec.spec, io)) return;
    // Ctrl-C stops after the batch in flight; the committed steps stay and the next run resumes.
    const interrupt = new AbortController();
    const onInterrupt = () => {
      io.stderr.write("\nhybrid-rag: interrupted; stopping after the batch in flight…\n");
      interrupt.abort(new HybridRagError("aborted", "interrupted (SIGINT)"));
    };
    process.once("SIGINT", onInterrupt);
    try {
      const { summary } = await ingestCommand(
        folder,
        {
          ...(options as object),
          loader: loaderOptionsFrom(options),
          imageLimits: imageLimitsFrom(options),
          spec,
          signal: interrupt.signal,
        } as never,
        io,
      );
      if (summary.failed > 0) setExitCode(exitCodes.documentsFailed);
    } finally {
      process.off("SIGINT", onInterrupt);
    }
  });
  withSpecOptions(
    program
      .command("search")
      .description(
        "search a collection: fused (and reranked) passages with source, page and offsets",
      )
      .argument("<dir>", "collection directory")
      .argument("<query>", "the question or keywords")
      .option(
        "--keep-duplicates",
        "show every copy of a text held in several files (default: the best-ranked copy, the others listed as 'also in')",
        false,
      )
      .option(
        "--context <tokens>",
        "also print an LLM context of at most this many tokens, with [n] citations",
        positiveInteger,
      )
      .option(
        "--server <url>",
        "ask this running `hybrid-rag serve` (default: the serve running on <dir>, if any, else open the collection here)",
      )
      .option("--no-server", "open the collection here even when a serve runs on it")
      .option("--json", "print JSON", false),
    searchSpecFlags,
    cliDefaultSpec,
  ).action(
    async (
      directory: string,
      query: string,
      options: Record<string, unknown>,
      command: Command,
    ) => {
      const spec = await specOfCommand(command, searchSpecFlags, cliDefaultSpec);
      if (printSpecIfAsked(command, spec.spec, io)) return;
      await searchCommand(directory, query, { ...(options as object), spec } as never, io);
    },
  );
  addMcpCommand(program, io);
  addServeCommand(program, io);
  return program;
}

/** Runs the CLI; returns the exit code (errors are printed, not thrown). */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  try {
    await createProgram(io, (code) => {
      exitCode = code;
    }).parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("commander.")) {
      return code === "commander.helpDisplayed" || code === "commander.version" ? 0 : 2;
    }
    const message = HybridRagError.isInstance(error)
      ? `${error.code}: ${error.message}`
      : String(error);
    io.stderr.write(`hybrid-rag: ${escapeForTerminal(message)}\n`);
    if (HybridRagError.isInstance(error) && error.code === "locked") return exitCodes.locked;
    return HybridRagError.isInstance(error) && error.code === "aborted" ? exitCodes.interrupted : 1;
  }
}
