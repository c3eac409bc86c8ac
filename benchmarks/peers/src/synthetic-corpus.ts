import { mulberry32 } from "@hybrid-rag/core/internal";
import { zipfWords } from "@hybrid-rag/core/testing";
import type { Qrels } from "@hybrid-rag/eval";
import type { Corpus, CorpusDocument, CorpusQuery } from "./corpus.ts";

export interface SyntheticOptions {
  readonly documents: number;
  readonly queries: number;
  readonly dimension: number;
  readonly seed?: number;
}

const vocabularySize = 50_000;

/**
 * A seeded synthetic corpus with planted answers, so quality is measurable as well as speed:
 * documents of pseudo-words with Zipf(1.0) frequencies and log-normal lengths (median 100
 * tokens, like abstracts); each query targets one document (its only relevant one) and is 3–6
 * of that document's words. Vectors are seeded random unit vectors; a query's vector is its
 * target's vector plus Gaussian noise (cosine ≈ 0.7), so the dense side has an answer too.
 */
export function syntheticCorpus(options: SyntheticOptions): Corpus {
  const next = mulberry32(options.seed ?? 42);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const drawWord = zipfWords(next, vocabularySize);
  const unitVector = (base?: Float32Array, noise = 1): Float32Array => {
    const vector = new Float32Array(options.dimension);
    let norm = 0;
    for (let index = 0; index < vector.length; index++) {
      const value = (base?.[index] ?? 0) + (noise * gaussian()) / Math.sqrt(options.dimension);
      vector[index] = value;
      norm += value * value;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let index = 0; index < vector.length; index++) vector[index]! *= scale;
    return vector;
  };

  const documents: CorpusDocument[] = [];
  const documentWords: string[][] = [];
  const documentVectors: Float32Array[] = [];
  for (let index = 0; index < options.documents; index++) {
    const length = Math.max(5, Math.min(2000, Math.round(Math.exp(4.6 + 0.5 * gaussian()))));
    const words = Array.from({ length }, drawWord);
    documentWords.push(words);
    documents.push({ id: `s${index}`, text: words.join(" ") });
    documentVectors.push(unitVector());
  }
  const queries: CorpusQuery[] = [];
  const queryVectors: Float32Array[] = [];
  const qrels: Qrels = new Map();
  for (let index = 0; index < options.queries; index++) {
    const target = Math.floor(next() * options.documents);
    const words = documentWords[target]!;
    const length = 3 + Math.floor(next() * 4);
    const text = Array.from({ length }, () => words[Math.floor(next() * words.length)]!).join(" ");
    queries.push({ id: `q${index}`, text });
    queryVectors.push(unitVector(documentVectors[target], 1));
    qrels.set(`q${index}`, new Map([[`s${target}`, 1]]));
  }
  return {
    name: `synthetic ${options.documents.toLocaleString("en")}`,
    documents,
    queries,
    qrels,
    vectors: {
      source: `seeded random unit vectors, ${options.dimension} d (a query = its target's vector + Gaussian noise)`,
      dimension: options.dimension,
      documents: documentVectors,
      queries: queryVectors,
    },
  };
}
