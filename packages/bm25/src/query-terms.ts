import { countTerms, type InvertedIndex } from "./inverted-index.ts";
import { idf, termScore } from "./similarity.ts";

export interface SearchRequest {
  readonly tokens: readonly string[];
  readonly topK: number;
  readonly k1: number;
  readonly b: number;
  /** Only documents for which this returns true (metadata filters). */
  readonly accept?: (document: number) => boolean;
  /** Score every matching document (no pruning): the reference the pruned paths are tested against. */
  readonly exhaustive?: boolean;
  /** Force one strategy (tests); by default `Searcher` picks one per query. */
  readonly strategy?: "term-at-a-time" | "document-at-a-time";
}

export interface ScoredDocument {
  readonly document: number;
  readonly score: number;
}

export interface QueryTerm {
  /** The term's compressed region in the index's postings pool: [start, end). */
  readonly start: number;
  readonly end: number;
  /** Postings in the region (deleted documents included). */
  readonly count: number;
  readonly weight: number;
  /** The highest frequency of the term in any document (saturated block headers defer to it). */
  readonly maxFrequency: number;
  /** No document can score more than this on the term. */
  readonly bound: number;
}

/**
 * The query's clauses, highest bound first: the order in which every search path sums a
 * document's term scores (in double), so that all paths give bit-identical scores.
 */
export function queryTerms(
  index: InvertedIndex,
  tokens: readonly string[],
  cache: Float32Array,
): QueryTerm[] {
  const documentCount = index.documentsWithTerms;
  const largestInverseNorm = cache.reduce((max, value) => Math.max(max, value), 0);
  const terms: QueryTerm[] = [];
  // A term repeated in the query is one clause boosted by its count, as Lucene's
  // BooleanQuery rewrite merges duplicate SHOULD clauses.
  for (const [term, count] of countTerms(tokens)) {
    const number = index.findTerm(term);
    if (number < 0) continue;
    const documentFrequency = index.documentFrequencies[number]!;
    if (documentFrequency === 0) continue;
    const weight = Math.fround(count * idf(documentFrequency, documentCount));
    const maxFrequency = index.maxFrequencies[number]!;
    const start = index.postingStarts[number]!;
    terms.push({
      start,
      end: start + index.postingSizes[number]!,
      count: index.postingCounts[number]!,
      weight,
      maxFrequency,
      bound: termScore(weight, maxFrequency, largestInverseNorm),
    });
  }
  return terms.sort((a, b) => b.bound - a.bound);
}

/** Sums of bounds are inflated so that double rounding can never make a bound too small. */
export const inflation = 1 + 2 ** -40;
