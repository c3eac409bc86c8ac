/** Splits a qrels/run line: on tabs when it has any (BEIR TSV), else on runs of whitespace (TREC). */
export function splitColumns(line: string): string[] {
  const trimmed = line.trim();
  if (trimmed.length === 0) return [];
  return trimmed.includes("\t")
    ? trimmed.split("\t").map((cell) => cell.trim())
    : trimmed.split(/\s+/);
}

/** True for ids that can be written as one whitespace-separated TREC column. */
export function isTrecSafeId(id: string): boolean {
  return id.length > 0 && !/\s/.test(id);
}
