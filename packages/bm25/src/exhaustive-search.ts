import type { InvertedIndex } from "./inverted-index.ts";
import { PostingsCursor } from "./postings-codec.ts";
import type { QueryTerm, ScoredDocument } from "./query-terms.ts";
import { termScore } from "./similarity.ts";
import { TopKHeap } from "./top-k-heap.ts";

/**
 * Term-at-a-time scoring of every matching document, no pruning: the reference the pruned
 * search is tested against. Each term adds its scores into a double accumulator, in the
 * order of `terms`; the sum is rounded to float as Lucene does.
 */
export class ExhaustiveScorer {
  #scores = new Float64Array(0);
  #touched = new Int32Array(0);
  readonly #cursor = new PostingsCursor();

  search(
    index: InvertedIndex,
    terms: readonly QueryTerm[],
    cache: Float32Array,
    topK: number,
    accept: ((document: number) => boolean) | undefined,
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
    for (const { start, end, weight } of terms) {
      cursor.reset(pool, start, end);
      while (cursor.next()) {
        const document = cursor.document;
        if (live[document] === 0) continue;
        const score = termScore(weight, cursor.frequency, cache[norms[document]!]!);
        if (scores[document] === 0) touched[touchedCount++] = document;
        scores[document]! += score;
      }
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
