import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Document } from "@hybrid-rag/core";

/** `../shared/datasets/scifact` relative to the repository root (never copied into the repo). */
export const scifactDirectory = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "..",
  "..",
  "shared",
  "datasets",
  "scifact",
);

/** SciFact's corpus and queries in BEIR's JSONL layout. */
export async function readScifact(): Promise<{ documents: Document[]; queries: string[] }> {
  const lines = async (file: string) =>
    (await readFile(join(scifactDirectory, file), "utf8"))
      .split("\n")
      .filter((line) => line.trim().length > 0);
  const documents = (await lines("corpus.jsonl")).map((line) => {
    const record = JSON.parse(line) as { _id: string; title?: string; text: string };
    return { id: record._id, text: record.text, ...(record.title ? { title: record.title } : {}) };
  });
  const queries = (await lines("queries.jsonl")).map(
    (line) => (JSON.parse(line) as { text: string }).text,
  );
  return { documents, queries };
}
