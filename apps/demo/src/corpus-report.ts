/** How many duplicate or skipped entries are listed one by one before "and N more". */
const listed = 20;

export interface CorpusReportInput {
  /** Records (documents) read, duplicates included. */
  readonly records: number;
  /** One line per duplicate id, saying which record was kept. */
  readonly duplicates: readonly string[];
  /** The duplicate-id policy in force, e.g. "last wins". */
  readonly policy: string;
  readonly skipped: readonly { readonly source: string; readonly reason: string }[];
}

/**
 * What the demo prints about the corpus it read: one warning per duplicate and per skipped file
 * (the first 20 of each), and the counts for the summary line, so that nothing read is dropped
 * without a word.
 */
export function corpusReport(corpus: CorpusReportInput): { warnings: string[]; counts: string } {
  const warnings = [
    ...firstOf(corpus.duplicates, "duplicate ids"),
    ...firstOf(
      corpus.skipped.map(({ source, reason }) => `skipped ${source}: ${reason}`),
      "skipped files",
    ),
  ];
  const duplicates = corpus.duplicates.length;
  const parts = [
    `${corpus.records} record${corpus.records === 1 ? "" : "s"} read`,
    `${duplicates} duplicate id${duplicates === 1 ? "" : "s"} (${corpus.policy})`,
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
