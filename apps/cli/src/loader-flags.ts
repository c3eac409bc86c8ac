import { defaultBudgets, type LoadFolderOptions } from "@hybrid-rag/loaders";
import { type Command, InvalidArgumentError, Option } from "commander";

function budget(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 1)
    throw new InvalidArgumentError(`expected a whole number ≥ 1, got ${JSON.stringify(value)}.`);
  return number;
}

/** The loaders' per-file budgets and link rule as `ingest` flags (defaults: the loaders' own). */
export function withLoaderFlags(command: Command): Command {
  return command
    .option(
      "--follow-symlinks",
      "follow symbolic links that lead outside the folder (inside ones are always followed)",
      false,
    )
    .option(
      "--max-file-bytes <n>",
      "skip files larger than this",
      budget,
      defaultBudgets.maxFileBytes,
    )
    .option("--max-pages <n>", "skip PDFs with more pages", budget, defaultBudgets.maxPages)
    .option(
      "--max-characters <n>",
      "skip files with more text than this after extraction",
      budget,
      defaultBudgets.maxCharacters,
    )
    .option("--max-depth <n>", "skip HTML/Markdown nested deeper", budget, defaultBudgets.maxDepth)
    .option(
      "--max-line-bytes <n>",
      "skip JSON Lines records (lines) longer than this",
      budget,
      defaultBudgets.maxLineBytes,
    )
    .option(
      "--file-timeout <ms>",
      "stop extracting a file after this long and skip it",
      budget,
      defaultBudgets.fileTimeoutMs,
    )
    .option(
      "--max-archive-entries <n>",
      "skip docx/pptx/odt/epub files whose zip holds more entries",
      budget,
      defaultBudgets.maxArchiveEntries,
    )
    .option(
      "--max-unzipped-bytes <n>",
      "skip docx/pptx/odt/epub files whose entries inflate past this (zip bombs)",
      budget,
      defaultBudgets.maxUnzippedBytes,
    )
    .addOption(
      new Option(
        "--csv-passage <unit>",
        "a CSV/TSV row is a document (row), or the file is (table)",
      )
        .choices(["row", "table"])
        .default("row"),
    )
    .option(
      "--json-text-field <name>",
      'the field holding a .json record\'s text (default "text")',
    );
}

/** The `loadFolder` options the flags of `withLoaderFlags` were parsed into. */
export function loaderOptionsFrom(options: Record<string, unknown>): LoadFolderOptions {
  const flags = options as {
    followSymlinks: boolean;
    maxFileBytes: number;
    maxPages: number;
    maxCharacters: number;
    maxDepth: number;
    maxLineBytes: number;
    fileTimeout: number;
    maxArchiveEntries: number;
    maxUnzippedBytes: number;
    csvPassage: "row" | "table";
    jsonTextField?: string;
  };
  return {
    followSymlinks: flags.followSymlinks,
    maxFileBytes: flags.maxFileBytes,
    maxPages: flags.maxPages,
    maxCharacters: flags.maxCharacters,
    maxDepth: flags.maxDepth,
    maxLineBytes: flags.maxLineBytes,
    fileTimeoutMs: flags.fileTimeout,
    maxArchiveEntries: flags.maxArchiveEntries,
    maxUnzippedBytes: flags.maxUnzippedBytes,
    csv: { passage: flags.csvPassage },
    ...(flags.jsonTextField ? { json: { textField: flags.jsonTextField } } : {}),
  };
}
