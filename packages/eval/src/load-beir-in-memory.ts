import type { Document } from "@hybrid-rag/core";
import { type LoadBeirOptions, loadBeirDataset } from "./beir-dataset.ts";
import type { Qrels } from "./types.ts";

export interface BeirInMemory {
  readonly documents: Document[];
  /** The split's queries (those with judgements), in `queries.jsonl` order. */
  readonly queries: Array<{ readonly id: string; readonly text: string }>;
  readonly qrels: Qrels;
}

/**
 * Loads a small BEIR collection whole (tests, oracle comparisons, benchmarks on SciFact-size
 * corpora). For large corpora stream `loadBeirDataset(...).documents()` instead.
 */
export async function loadBeirInMemory(
  directory: string,
  options: LoadBeirOptions = {},
): Promise<BeirInMemory> {
  const dataset = await loadBeirDataset(directory, options);
  const documents: Document[] = [];
  for await (const document of dataset.documents()) documents.push(document);
  const queries = [...dataset.queries].map(([id, text]) => ({ id, text }));
  return { documents, queries, qrels: dataset.qrels };
}
