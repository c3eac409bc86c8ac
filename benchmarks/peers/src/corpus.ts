import type { Qrels } from "@hybrid-rag/eval";

export interface CorpusDocument {
  readonly id: string;
  readonly title?: string;
  readonly text: string;
}

export interface CorpusQuery {
  readonly id: string;
  readonly text: string;
}

/** Unit vectors for every document and query, in corpus order, from one named source. */
export interface CorpusVectors {
  readonly source: string;
  readonly dimension: number;
  readonly documents: readonly Float32Array[];
  readonly queries: readonly Float32Array[];
}

/** What every peer indexes and is asked: the same documents, queries, judgements and vectors. */
export interface Corpus {
  readonly name: string;
  readonly documents: readonly CorpusDocument[];
  readonly queries: readonly CorpusQuery[];
  readonly qrels: Qrels;
  readonly vectors: CorpusVectors;
}

/** The text every engine indexes (title and text joined by one space, as `@hybrid-rag/bm25` does). */
export const indexedText = (document: CorpusDocument): string =>
  document.title ? `${document.title} ${document.text}` : document.text;
