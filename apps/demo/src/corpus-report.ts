import type { LoadedCorpus } from "./load-documents.ts";

/** How many duplicate or skipped entries are listed one by one before "and N more". */
const listed = 20;

/**
 * What the demo prints about the corpus it read: one warning per replaced duplicate and per
 * skipped file (the first 20 of each), and the counts for the summary line, so that nothing read
 * is dropped without a word.
 */
export function corpusReport(corpus: LoadedCorpus): { warnings: string[]; counts: string } {
  const warnings = [
    ...firstOf(
      corpus.duplicates.map(
        ({ id, replaced, keptFrom }) =>
          `duplicate id ${JSON.stringify(id)}: the record at ${replaced} was replaced by the one at ${keptFrom} (last wins)`,
      ),
      "duplicate ids",
    ),
    ...firstOf(
      corpus.skipped.map(({ path, reason }) => `skipped ${path}: ${reason}`),
      "skipped files",
    ),
  ];
  const duplicates = corpus.duplicates.length;
  const parts = [
    `${corpus.records} record${corpus.records === 1 ? "" : "s"} read`,
    `${duplicates} duplicate id${duplicates === 1 ? "" : "s"} (last wins)`,
  ];
  if (corpus.skipped.length > 0) {
    parts.push(`${corpus.skipped.length} file${corpus.skipped.length === 1 ? "" : "s"} skipped`);
  }
  return { warnings, counts: parts.join(", ") };
}

function firstOf(lines: readonly string[], what: string): string[] {
  if (lines.length <= listed) return [...lines];
  return [...lines.slice(0, listed), `… and ${lines.length - listed} more ${what}`];
}
