import { createReadStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { sharedDirectory } from "./create-tiny-bert-model.ts";

export interface SciFactText {
  readonly id: string;
  readonly text: string;
}

/** The first `count` SciFact documents ("title text") and queries, for tests and benchmarks. */
export async function readSciFactSample(
  count: number,
  file: "corpus.jsonl" | "queries.jsonl" = "corpus.jsonl",
): Promise<SciFactText[]> {
  const lines = createInterface({
    input: createReadStream(join(sharedDirectory, "datasets/scifact", file)),
  });
  const texts: SciFactText[] = [];
  for await (const line of lines) {
    if (texts.length >= count) break;
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { _id: string; title?: string; text: string };
    texts.push({ id: row._id, text: row.title ? `${row.title} ${row.text}` : row.text });
  }
  lines.close();
  return texts;
}
