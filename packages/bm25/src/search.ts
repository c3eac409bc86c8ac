import { countTerms, type InvertedIndex } from "./inverted-index.ts";
import { averageLength, idf, normCache, termScore } from "./similarity.ts";
import { TopKHeap } from "./top-k-heap.ts";

export interface SearchRequest {
  readonly tokens: readonly string[];
  readonly topK: number;
  readonly k1: number;
  readonly b: number;
  /** Only documents for which this returns true (metadata filters). */
  readonly accept?: (document: number) => boolean;
  /** Score every matching document (no pruning): the reference the pruned path is tested against. */
  readonly exhaustive?: boolean;
}

export interface ScoredDocument {
  readonly document: number;
  readonly score: number;
}

interface QueryTerm {
  /** The term's block in the index's postings pool: [start, end). */
  readonly start: number;
  readonly end: number;
  readonly weight: number;
  /** No document can score more than this on the term. */
  readonly bound: number;
}

/**
 * Term-at-a-time BM25 over typed arrays with MaxScore-style pruning that cannot change results.
 *
 * Terms are scored in order of their upper bound, highest first, into a double accumulator
 * (Lucene also sums clause scores in double and casts to float). Once the k-th best partial
 * score (as float) beats the sum of the remaining terms' bounds (as float), no untouched
 * document can reach the top k, even on a tie, so the remaining terms only update documents
 * already touched: by binary search in their postings, or by a scan that skips the others.
 */
export class Searcher {
  /** Whether the last search stopped admitting new candidates early (for tests). */
  pruned = false;
  #scores = new Float64Array(0);
  #touched = new Int32Array(0);

  search(index: InvertedIndex, request: SearchRequest): ScoredDocument[] {
    if (index.documentsWithTerms === 0) return [];
    const cache = normCache(
      request.k1,
      request.b,
      averageLength(index.totalTerms, index.documentsWithTerms),
    );
    const terms = queryTerms(index, request.tokens, cache);
    if (terms.length === 0) return [];
    if (this.#scores.length < index.size) {
      this.#scores = new Float64Array(index.size);
      this.#touched = new Int32Array(index.size);
    }
    const scores = this.#scores;
    const touched = this.#touched;
    const { norms, live, pool: postings } = index;
    let touchedCount = 0;
    const remainingBounds = suffixSums(terms.map((term) => term.bound));
    this.pruned = false;
    const prunable = !request.exhaustive && request.accept === undefined;
    let onlyTouched = false;
    for (const [termIndex, term] of terms.entries()) {
      const { start, end, weight } = term;
      const size = (end - start) / 2;
      if (!onlyTouched) {
        for (let position = start; position < end; position += 2) {
          const document = postings[position]!;
          if (live[document] === 0) continue;
          const score = termScore(weight, postings[position + 1]!, cache[norms[document]!]!);
          if (scores[document] === 0) touched[touchedCount++] = document;
          scores[document]! += score;
        }
      } else if (touchedCount * Math.log2(size) < size) {
        for (let slot = 0; slot < touchedCount; slot++) {
          const document = touched[slot]!;
          const position = findPosting(postings, start, end, document);
          if (position < 0) continue;
          scores[document]! += termScore(weight, postings[position + 1]!, cache[norms[document]!]!);
        }
      } else {
        for (let position = start; position < end; position += 2) {
          const document = postings[position]!;
          if (scores[document] === 0 || live[document] === 0) continue;
          scores[document]! += termScore(weight, postings[position + 1]!, cache[norms[document]!]!);
        }
      }
      if (!prunable || touchedCount < request.topK || termIndex === terms.length - 1) continue;
      const remaining = remainingBounds[termIndex + 1]! * inflation;
      const threshold = kthBest(scores, touched, touchedCount, request.topK);
      if (!onlyTouched) onlyTouched = this.pruned = threshold > Math.fround(remaining);
      if (onlyTouched)
        touchedCount = dropHopeless(scores, touched, touchedCount, remaining, threshold);
    }
    const heap = new TopKHeap(request.topK);
    try {
      for (let slot = 0; slot < touchedCount; slot++) {
        const document = touched[slot]!;
        const score = Math.fround(scores[document]!);
        if (!heap.accepts(score, document)) continue;
        if (request.accept && !request.accept(document)) continue;
        heap.push(score, document);
      }
    } finally {
      // The accumulator is reused by the next query: leave it all zeros, even on a throw.
      for (let slot = 0; slot < touchedCount; slot++) scores[touched[slot]!] = 0;
    }
    return heap.sorted();
  }
}

function queryTerms(
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
    const number = index.termNumbers.get(term);
    if (number === undefined) continue;
    const documentFrequency = index.documentFrequencies[number]!;
    if (documentFrequency === 0) continue;
    const weight = Math.fround(count * idf(documentFrequency, documentCount));
    const bound = termScore(weight, index.maxFrequencies[number]!, largestInverseNorm);
    const start = index.postingStarts[number]!;
    terms.push({
      start,
      end: start + index.postingSizes[number]!,
      weight,
      bound,
    });
  }
  return terms.sort((a, b) => b.bound - a.bound);
}

/** Sums of bounds are inflated so that double rounding can never make a bound too small. */
const inflation = 1 + 2 ** -40;

/**
 * Forgets candidates that cannot reach the top k even with every remaining term at its bound
 * (strictly below the k-th best partial score, so ties stay). Returns the new candidate count.
 */
function dropHopeless(
  scores: Float64Array,
  touched: Int32Array,
  count: number,
  remaining: number,
  threshold: number,
): number {
  let kept = 0;
  for (let slot = 0; slot < count; slot++) {
    const document = touched[slot]!;
    if (Math.fround((scores[document]! + remaining) * inflation) >= threshold)
      touched[kept++] = document;
    else scores[document] = 0;
  }
  return kept;
}

/** sums[i] = values[i] + … + values[n - 1], summed from scratch (no subtraction error). */
function suffixSums(values: readonly number[]): Float64Array {
  const sums = new Float64Array(values.length + 1);
  for (let index = values.length - 1; index >= 0; index--) {
    sums[index] = sums[index + 1]! + values[index]!;
  }
  return sums;
}

/** The k-th best partial score, rounded to float as final scores are. */
function kthBest(scores: Float64Array, touched: Int32Array, count: number, k: number): number {
  const heap = new TopKHeap(k);
  for (let slot = 0; slot < count; slot++) {
    const document = touched[slot]!;
    heap.push(Math.fround(scores[document]!), document);
  }
  return heap.threshold;
}

/** Position of `document` in the sorted interleaved postings pool[start, end), or -1. */
function findPosting(pool: Int32Array, start: number, end: number, document: number): number {
  let low = 0;
  let high = (end - start) / 2 - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = pool[start + middle * 2]!;
    if (value === document) return start + middle * 2;
    if (value < document) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
