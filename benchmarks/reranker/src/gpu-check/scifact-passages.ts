import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** The first `count` lines of a SciFact file as "title text", read from the shared folder. */
export async function readSciFact(
  sharedDirectory: string,
  file: "corpus.jsonl" | "queries.jsonl",
  count: number,
): Promise<string[]> {
  const path = join(sharedDirectory, "datasets", "scifact", file);
  if (!existsSync(path)) {
    throw new Error(
      `SciFact not found at ${path}: pass --shared <folder holding datasets/scifact/ and models/bert-base-uncased-vocab.txt>.`,
    );
  }
  const lines = createInterface({ input: createReadStream(path) });
  const texts: string[] = [];
  for await (const line of lines) {
    if (texts.length >= count) break;
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { title?: string; text: string };
    texts.push(row.title ? `${row.title} ${row.text}` : row.text);
  }
  lines.close();
  // A device bundle holds only the first documents: never measure fewer than asked for silently.
  if (texts.length < count) {
    throw new Error(
      `${path} holds ${texts.length} rows, fewer than the ${count} asked for: pass --passages <= ${texts.length}, or --shared <the full collection>.`,
    );
  }
  return texts;
}
