import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError } from "@hybrid-rag/core";
import { loadFolder } from "@hybrid-rag/loaders";
import { figurePdf } from "./figure-pdf.ts";
import { figureQuery, maxSitesPerMeasure, measures, visualFigures } from "./visual-charts.ts";

/** The `--dataset` name of the generated visual set. */
export const visualDatasetName = "visual";

/** Written last: a folder with it is complete. Bump `version` when the generator changes. */
const descriptorFile = "visual-dataset.json";
const version = 1;

const defaultSitesPerMeasure = 6;

export interface VisualDatasetOptions {
  /** Sites per measure (4 measures): 6 gives 24 PDFs and 24 queries. */
  readonly sitesPerMeasure?: number;
}

/**
 * Writes the visual set as a BEIR folder: `pdfs/` (one page each, a chart or a table whose
 * values are vector shapes), `corpus.jsonl` (each PDF's text layer as the loaders extract it,
 * `metadata.pdf` naming the file its page images are rendered from), `queries.jsonl` (one
 * question per PDF that only its figure answers) and `qrels/test.tsv`. Same bytes every run.
 */
export async function writeVisualDataset(
  directory: string,
  options: VisualDatasetOptions = {},
): Promise<void> {
  const sitesPerMeasure = options.sitesPerMeasure ?? defaultSitesPerMeasure;
  if (
    !Number.isSafeInteger(sitesPerMeasure) ||
    sitesPerMeasure < 1 ||
    sitesPerMeasure > maxSitesPerMeasure
  ) {
    throw new HybridRagError(
      "invalid-argument",
      `sitesPerMeasure must be a whole number from 1 to ${maxSitesPerMeasure}, got ${String(sitesPerMeasure)}.`,
    );
  }
  const figures = visualFigures(sitesPerMeasure);
  const pdfs = join(directory, "pdfs");
  await mkdir(pdfs, { recursive: true });
  await mkdir(join(directory, "qrels"), { recursive: true });
  for (const figure of figures) await writeFile(join(pdfs, figure.file), await figurePdf(figure));

  const texts = new Map<string, string>();
  for await (const result of loadFolder(pdfs)) {
    if (result.kind !== "document") {
      throw new HybridRagError(
        "internal",
        `The visual set's ${result.source} was not loaded: ${result.reason}`,
      );
    }
    texts.set(result.id, result.text);
  }
  const corpus = figures.map((figure) => {
    const text = texts.get(figure.file);
    if (text === undefined)
      throw new HybridRagError("internal", `No text loaded for ${figure.file}.`);
    return { _id: figure.file, title: "", text, metadata: { pdf: `pdfs/${figure.file}` } };
  });
  const queries = figures.map((figure, index) => ({
    _id: `q${index + 1}`,
    text: figureQuery(figure),
  }));
  const qrels = figures.map((figure, index) => `q${index + 1}\t${figure.file}\t1`);
  await writeLines(
    join(directory, "corpus.jsonl"),
    corpus.map((record) => JSON.stringify(record)),
  );
  await writeLines(
    join(directory, "queries.jsonl"),
    queries.map((record) => JSON.stringify(record)),
  );
  await writeLines(join(directory, "qrels", "test.tsv"), ["query-id\tcorpus-id\tscore", ...qrels]);
  await writeFile(
    join(directory, descriptorFile),
    `${JSON.stringify({ name: visualDatasetName, version, sitesPerMeasure, measures: measures.length, documents: figures.length, queries: figures.length }, null, 2)}\n`,
  );
}

/**
 * The visual set under `cacheDirectory` (`visual-v<version>`), generated on first use into a
 * scratch folder renamed into place, so an interrupted run never leaves a half-written set.
 */
export async function ensureVisualDataset(cacheDirectory: string): Promise<string> {
  const directory = join(cacheDirectory, `${visualDatasetName}-v${version}`);
  const complete = () =>
    readFile(join(directory, descriptorFile), "utf8").then(
      () => true,
      () => false,
    );
  if (await complete()) return directory;
  const scratch = `${directory}.partial-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await writeVisualDataset(scratch);
  await rm(directory, { recursive: true, force: true });
  try {
    await rename(scratch, directory);
  } catch (error) {
    // Another run generated the same bytes and renamed its copy into place first.
    await rm(scratch, { recursive: true, force: true });
    if (!(await complete())) throw error;
  }
  return directory;
}

async function writeLines(path: string, lines: readonly string[]): Promise<void> {
  await writeFile(path, `${lines.join("\n")}\n`);
}
