import { countTerms, type InvertedIndex } from "./inverted-index.ts";
import { PostingsCursor } from "./postings-codec.ts";
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
  /** The term's compressed region in the index's postings pool: [start, end). */
  readonly start: number;
  readonly end: number;
  /** Postings in the region (deleted documents included). */
  readonly count: number;
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
 * already touched: the candidates are sorted once and each remaining term's postings are
 * merged with them, skipping whole compressed blocks that hold none of them.
 */
export class Searcher {
  /** Whether the last search stopped admitting new candidates early (for tests). */
  pruned = false;
  #scores = new Float64Array(0);
  #touched = new Int32Array(0);
  readonly #cursor = new PostingsCursor();

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
    const cursor = this.#cursor;
    const { norms, live, pool } = index;
    let touchedCount = 0;
    const remainingBounds = suffixSums(terms.map((term) => term.bound));
    this.pruned = false;
    const prunable = !request.exhaustive && request.accept === undefined;
    let onlyTouched = false;
    let sorted = false;
    for (const [termIndex, term] of terms.entries()) {
      const { weight } = term;
      cursor.reset(pool, term.start, term.end);
      if (!onlyTouched) {
        while (cursor.next()) {
          const document = cursor.document;
          if (live[document] === 0) continue;
          const score = termScore(weight, cursor.frequency, cache[norms[document]!]!);
          if (scores[document] === 0) touched[touchedCount++] = document;
          scores[document]! += score;
        }
      } else if (touchedCount * 4 < term.count) {
        // Few candidates: sorted by document once (later drops keep the order), then one
        // forward merge with the postings that skips whole blocks.
        if (!sorted) {
          touched.subarray(0, touchedCount).sort();
          sorted = true;
        }
        for (let slot = 0; slot < touchedCount; slot++) {
          const document = touched[slot]!;
          if (!cursor.advanceTo(document)) break;
          if (cursor.document !== document) continue;
          scores[document]! += termScore(weight, cursor.frequency, cache[norms[document]!]!);
        }
      } else {
        // Many candidates: decode the whole list, updating only the candidates.
        while (cursor.next()) {
          const document = cursor.document;
          if (scores[document] === 0 || live[document] === 0) continue;
          scores[document]! += termScore(weight, cursor.frequency, cache[norms[document]!]!);
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
    const number = index.findTerm(term);
    if (number < 0) continue;
    const documentFrequency = index.documentFrequencies[number]!;
    if (documentFrequency === 0) continue;
    const weight = Math.fround(count * idf(documentFrequency, documentCount));
    const bound = termScore(weight, index.maxFrequencies[number]!, largestInverseNorm);
    const start = index.postingStarts[number]!;
    terms.push({
      start,
      end: start + index.postingSizes[number]!,
      count: index.postingCounts[number]!,
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
