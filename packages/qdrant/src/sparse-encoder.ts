import { fnv1a } from "@hybrid-rag/core/internal";

/** A sparse vector as Qdrant takes it: term indices and their weights. */
export interface SparseVector {
  readonly indices: number[];
  readonly values: number[];
}

/** Turns text into sparse vectors for Qdrant's sparse (lexical) side of hybrid search. */
export interface SparseEncoder {
  readonly name: string;
  encodeDocument(text: string): SparseVector;
  encodeQuery(text: string): SparseVector;
}

export interface Bm25SparseEncoderOptions {
  /** Text → terms, e.g. `englishAnalyzer.analyze` from @hybrid-rag/bm25. */
  readonly analyze: (text: string) => string[];
  readonly k1?: number;
  readonly b?: number;
  /** Average document length in terms; Qdrant cannot know it, so it is fixed up front. */
  readonly averageLength?: number;
}

/**
 * BM25 as Qdrant does it: the document side holds BM25's term-frequency part
 * `tf × (k1 + 1) / (tf + k1 × (1 − b + b × dl / avgdl))`, the query side weight 1 per distinct
 * term, and the collection's `modifier: "idf"` lets Qdrant multiply by each term's IDF at
 * search time. Terms map to indices with 32-bit FNV-1a (collisions merge, rarely).
 */
export function bm25SparseEncoder(options: Bm25SparseEncoderOptions): SparseEncoder {
  const k1 = options.k1 ?? 1.2;
  const b = options.b ?? 0.75;
  const averageLength = options.averageLength ?? 256;
  return {
    name: "bm25",
    encodeDocument(text) {
      const terms = options.analyze(text);
      const frequencies = countByIndex(terms);
      const norm = k1 * (1 - b + (b * terms.length) / averageLength);
      return toSparse(frequencies, (frequency) => (frequency * (k1 + 1)) / (frequency + norm));
    },
    encodeQuery(text) {
      return toSparse(countByIndex(options.analyze(text)), () => 1);
    },
  };
}

function countByIndex(terms: readonly string[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const term of terms) {
    const index = fnv1a(term);
    counts.set(index, (counts.get(index) ?? 0) + 1);
  }
  return counts;
}

function toSparse(counts: Map<number, number>, weight: (count: number) => number): SparseVector {
  const indices = [...counts.keys()].sort((x, y) => x - y);
  return { indices, values: indices.map((index) => weight(counts.get(index)!)) };
}
