import type { InvertedIndex } from "./inverted-index.ts";
import { PostingsCursor } from "./postings-codec.ts";
import { inflation, type QueryTerm, type ScoredDocument } from "./query-terms.ts";
import { termScore } from "./similarity.ts";
import { TopKHeap } from "./top-k-heap.ts";

/**
 * Term-at-a-time BM25 over typed arrays, with MaxScore-style pruning that cannot change results
 * (or none: the exhaustive reference the pruned paths are tested against).
 *
 * Terms are scored in the order of `terms` into a double accumulator (Lucene also sums clause
 * scores in double and casts to float). Once the k-th best partial score (as float) beats the
 * sum of the remaining terms' bounds (as float), no untouched document can reach the top k,
 * even on a tie, so the remaining terms only update documents already touched: the candidates
 * are sorted once and each remaining term's postings are merged with them, skipping whole
 * compressed blocks that hold none of them. With a filter (`accept`) it does not prune.
 */
export class TermAtATimeScorer {
  /** Whether the last search stopped admitting new candidates early (for tests). */
  pruned = false;
  #scores = new Float64Array(0);
  #touched = new Int32Array(0);
  readonly #cursor = new PostingsCursor();

  search(
    index: InvertedIndex,
    terms: readonly QueryTerm[],
    cache: Float32Array,
    topK: number,
    accept: ((document: number) => boolean) | undefined,
    prune: boolean,
  ): ScoredDocument[] {
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
    const prunable = prune && accept === undefined;
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
      if (!prunable || touchedCount < topK || termIndex === terms.length - 1) continue;
      const remaining = remainingBounds[termIndex + 1]! * inflation;
      const threshold = kthBest(scores, touched, touchedCount, topK);
      if (!onlyTouched) onlyTouched = this.pruned = threshold > Math.fround(remaining);
      if (onlyTouched)
        touchedCount = dropHopeless(scores, touched, touchedCount, remaining, threshold);
    }
    const heap = new TopKHeap(topK);
    try {
      for (let slot = 0; slot < touchedCount; slot++) {
        const document = touched[slot]!;
        const score = Math.fround(scores[document]!);
        if (!heap.accepts(score, document)) continue;
        if (accept && !accept(document)) continue;
        heap.push(score, document);
      }
    } finally {
      // The accumulator is reused by the next query: leave it all zeros, even on a throw.
      for (let slot = 0; slot < touchedCount; slot++) scores[touched[slot]!] = 0;
    }
    return heap.sorted();
  }
}

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
