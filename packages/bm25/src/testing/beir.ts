import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Document } from "@hybrid-rag/core";

/** A small BEIR reader for tests and benchmarks (the eval package has the full one). */
export interface BeirData {
  readonly documents: Document[];
  readonly queries: Array<{ id: string; text: string }>;
  /** query id → doc id → grade */
  readonly qrels: Map<string, Map<string, number>>;
}

export function readBeir(folder: string, split = "test"): BeirData {
  const jsonLines = (file: string) =>
    readFileSync(join(folder, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const documents = jsonLines("corpus.jsonl").map((row) => ({
    id: String(row._id),
    title: String(row.title ?? ""),
    text: String(row.text ?? ""),
  }));
  const qrels = new Map<string, Map<string, number>>();
  const lines = readFileSync(join(folder, "qrels", `${split}.tsv`), "utf8")
    .split("\n")
    .slice(1);
  for (const line of lines) {
    const [queryId, docId, grade] = line.split("\t");
    if (!queryId || !docId) continue;
    const judged = qrels.get(queryId) ?? new Map<string, number>();
    judged.set(docId, Number(grade));
    qrels.set(queryId, judged);
  }
  const queries = jsonLines("queries.jsonl")
    .map((row) => ({ id: String(row._id), text: String(row.text) }))
    .filter((query) => qrels.has(query.id));
  return { documents, queries, qrels };
}
