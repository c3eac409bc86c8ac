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
    .option("--json-text-field <name>", 'the field holding a .json record\'s text (default "text")')
    .addOption(
      new Option(
        "--pdf-page-images <mode>",
        "render PDF pages as image documents the collection stores, for a VLM reranker (search --page-images add): no-text-layer renders pages with (almost) no text (charts, scans), all every page",
      )
        .choices(["none", "no-text-layer", "all"])
        .default("none"),
    )
    .option("--pdf-dpi <n>", "resolution of PDF page images (default 100)", budget)
    .option(
      "--embedded-images",
      "load the images HTML/Markdown files show that live in the folder, as image documents",
      false,
    )
    .option(
      "--max-image-bytes <n>",
      "bytes one image may have (page image, folder image, stored image; default 8 MiB)",
      budget,
    )
    .option(
      "--max-image-pixels <n>",
      "pixels one image may have (a larger PDF page is rendered smaller; default 2048² for pages, 4096² otherwise)",
      budget,
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
    pdfPageImages: "none" | "no-text-layer" | "all";
    pdfDpi?: number;
    embeddedImages: boolean;
    maxImageBytes?: number;
    maxImagePixels?: number;
  };
  const limits = imageLimitsFrom(options);
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
    pdf: {
      pageImages: flags.pdfPageImages,
      ...(flags.pdfDpi !== undefined ? { dpi: flags.pdfDpi } : {}),
      ...limits,
    },
    images: { embedded: flags.embeddedImages, ...limits },
  };
}

/** `--max-image-bytes` / `--max-image-pixels`: bounds for the loaders and the collection alike. */
export function imageLimitsFrom(options: Record<string, unknown>): {
  maxImageBytes?: number;
  maxImagePixels?: number;
} {
  const { maxImageBytes, maxImagePixels } = options as {
    maxImageBytes?: number;
    maxImagePixels?: number;
  };
  return {
    ...(maxImageBytes !== undefined ? { maxImageBytes } : {}),
    ...(maxImagePixels !== undefined ? { maxImagePixels } : {}),
  };
}
