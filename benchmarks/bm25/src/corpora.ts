import type { Document } from "@hybrid-rag/core";
import { mulberry32 } from "@hybrid-rag/core/internal";
import { zipfWords } from "@hybrid-rag/core/testing";
import { loadBeirInMemory } from "@hybrid-rag/eval";

export interface Corpus {
  readonly name: string;
  readonly documents: Document[];
  readonly queries: string[];
}

export async function scifact(folder: string): Promise<Corpus> {
  const data = await loadBeirInMemory(folder);
  return {
    name: "SciFact",
    documents: data.documents,
    queries: data.queries.map((query) => query.text),
  };
}

/**
 * A deterministic synthetic corpus: a 200k-word vocabulary of pronounceable pseudo-words with
 * Zipf(1.0) frequencies, document lengths log-normal with median 100 tokens (like abstracts), and
 * 1,000 queries of 2–8 words drawn from the same distribution.
 */
export function synthetic(documentCount: number): Corpus {
  const next = mulberry32(42);
  const drawWord = zipfWords(next, 200_000);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const documents: Document[] = [];
  for (let index = 0; index < documentCount; index++) {
    const length = Math.max(5, Math.min(2000, Math.round(Math.exp(4.6 + 0.5 * gaussian()))));
    const words = new Array<string>(length);
    for (let position = 0; position < length; position++) words[position] = drawWord();
    documents.push({ id: `s${index}`, text: words.join(" ") });
  }
  const queries = Array.from({ length: 1000 }, () =>
    Array.from({ length: 2 + Math.floor(next() * 7) }, drawWord).join(" "),
  );
  return { name: `synthetic ${documentCount.toLocaleString("en")}`, documents, queries };
}
