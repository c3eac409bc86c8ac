import { BlockMaxCursor, noMoreDocuments } from "./block-max-cursor.ts";
import type { InvertedIndex } from "./inverted-index.ts";
import { PostingsCursor, saturatedFrequency } from "./postings-codec.ts";
import {
  inflation,
  type QueryTerm,
  queryTerms,
  type ScoredDocument,
  type SearchRequest,
} from "./query-terms.ts";
import { seedThreshold } from "./seed-threshold.ts";
import { averageLength, normCache, termScore } from "./similarity.ts";
import { TermAtATimeScorer } from "./term-at-a-time.ts";
import { TopKHeap } from "./top-k-heap.ts";

export type { ScoredDocument, SearchRequest } from "./query-terms.ts";

/** The longest list a query may have to be scored term at a time (see `#termAtATimeFits`). */
const termAtATimeMaxPostings = 16_384;

/** The fewest documents a window spans (as Lucene's MaxScoreBulkScorer): see `search`. */
const minimumWindow = 4096;

/**
 * BM25 top-k search that cannot change results: term at a time (`term-at-a-time.ts`) when all
 * of the query's lists are short, else document at a time with block-max MaxScore pruning
 * (after Lucene 9's MaxScoreBulkScorer).
 *
 * Documents are visited in increasing order within windows of at least `minimumWindow`
 * documents that end at a block boundary; inside one, each term's score is bounded by the
 * highest header bound (max frequency, shortest document's norm) of its blocks there. Terms are
 * ranked by that bound; the weakest ones whose bounds sum to at most the k-th best score so far
 * are non-essential: a document found only in them cannot enter the top k (a later document
 * never wins a tie), so candidates come from the essential terms only, and the non-essential
 * ones are looked up (skipping blocks) only while the candidate can still make it. A window
 * whose bounds all together cannot beat the k-th score is skipped without decoding anything;
 * when the k-th score rises enough to demote a term, the rest of the window is partitioned
 * anew. A candidate's score is summed in double over the terms in the same order as the
 * term-at-a-time path and rounded to float, so scores and ties are bit-identical.
 */
export class Searcher {
  /** Whether the last search skipped any document, block or window by its bounds (for tests). */
  pruned = false;
  readonly #termAtATime = new TermAtATimeScorer();
  #cursors: BlockMaxCursor[] = [];
  #weights = new Float64Array(0);
  #maxFrequencies = new Float64Array(0);
  /** Per window: each term's bound; term numbers by ascending bound; partial sums of bounds. */
  #windowBounds = new Float64Array(0);
  #order = new Int32Array(0);
  #boundSums = new Float64Array(0);
  /** The current candidate's score on each term (0 where it does not match). */
  #termScores = new Float64Array(0);
  /** Terms of the current query. */
  #termCount = 0;
  /** A bar no document at or below it can pass, known before any is visited (see `seedThreshold`). */
  #seed = Number.NEGATIVE_INFINITY;
  readonly #seedCursor = new PostingsCursor();

  search(index: InvertedIndex, request: SearchRequest): ScoredDocument[] {
    if (index.documentsWithTerms === 0) return [];
    const cache = normCache(
      request.k1,
      request.b,
      averageLength(index.totalTerms, index.documentsWithTerms),
    );
    const terms = queryTerms(index, request.tokens, cache);
    this.pruned = false;
    if (terms.length === 0) return [];
    if (request.exhaustive || this.#termAtATimeFits(terms, request)) {
      const prune = !request.exhaustive;
      const { topK, accept } = request;
      const scored = this.#termAtATime.search(index, terms, cache, topK, accept, prune);
      this.pruned = this.#termAtATime.pruned;
      return scored;
    }
    this.#prepare(index, terms);
    const heap = new TopKHeap(request.topK);
    this.#seed = seedThreshold(index, terms, cache, request, this.#seedCursor);
    const count = terms.length;
    let windowMin = 0;
    for (;;) {
      let windowMax = noMoreDocuments;
      for (let term = 0; term < count; term++) {
        const last = this.#cursors[term]!.shallowAdvance(windowMin);
        if (last < windowMax) windowMax = last;
      }
      if (windowMax === noMoreDocuments) break;
      // Windows of at least `minimumWindow` documents: fewer partitions, bounds over a few blocks.
      if (windowMax - windowMin < minimumWindow) windowMax = windowMin + minimumWindow - 1;
      const essentialFrom = this.#partition(cache, count, this.#threshold(heap), windowMax);
      if (essentialFrom === count) {
        this.pruned = true;
        windowMin = windowMax + 1;
      } else {
        if (essentialFrom > 0) this.pruned = true;
        const { accept } = request;
        windowMin = this.#scoreWindow(
          index,
          cache,
          heap,
          accept,
          windowMin,
          windowMax,
          essentialFrom,
        );
      }
    }
    return heap.sorted();
  }

  /**
   * Short postings lists are cheaper to score term at a time than to walk with cursors and
   * bounds (on SciFact, lists ≤ 5,183: 2.2× the throughput); past that the block skipping of
   * document-at-a-time wins.
   */
  #termAtATimeFits(terms: readonly QueryTerm[], request: SearchRequest): boolean {
    if (request.strategy !== undefined) return request.strategy === "term-at-a-time";
    return terms.every((term) => term.count <= termAtATimeMaxPostings);
  }

  /** The score a document must beat: the heap's k-th (ties lose: documents come in order) or the seed. */
  #threshold(heap: TopKHeap): number {
    return Math.max(heap.threshold, this.#seed);
  }

  #prepare(index: InvertedIndex, terms: readonly QueryTerm[]): void {
    const count = terms.length;
    if (this.#weights.length < count) {
      this.#weights = new Float64Array(count);
      this.#maxFrequencies = new Float64Array(count);
      this.#windowBounds = new Float64Array(count);
      this.#order = new Int32Array(count);
      this.#boundSums = new Float64Array(count);
      this.#termScores = new Float64Array(count);
    }
    while (this.#cursors.length < count) this.#cursors.push(new BlockMaxCursor());
    this.#termCount = count;
    for (const [term, { start, end, weight, maxFrequency }] of terms.entries()) {
      this.#cursors[term]!.reset(index.pool, start, end);
      this.#weights[term] = weight;
      this.#maxFrequencies[term] = maxFrequency;
      this.#termScores[term] = 0;
    }
  }

  /**
   * Bounds each term by its current block, orders the terms by bound (ascending) and returns
   * how many of the weakest are non-essential: their bounds sum to at most `threshold`.
   * `#boundSums[i]` is the sum of the bounds of the i + 1 weakest terms.
   */
  #partition(cache: Float32Array, count: number, threshold: number, windowMax: number): number {
    const cursors = this.#cursors;
    const bounds = this.#windowBounds;
    const order = this.#order;
    for (let term = 0; term < count; term++) {
      const bound = cursors[term]!.maxScoreUpTo(
        windowMax,
        this.#weights[term]!,
        cache,
        this.#maxFrequencies[term]!,
      );
      bounds[term] = bound;
      // Insertion sort: a query has a handful of terms.
      let slot = term;
      while (slot > 0 && bounds[order[slot - 1]!]! > bound) {
        order[slot] = order[slot - 1]!;
        slot--;
      }
      order[slot] = term;
    }
    let sum = 0;
    let nonEssential = 0;
    while (nonEssential < count) {
      const next = sum + bounds[order[nonEssential]!]!;
      if (Math.fround(next * inflation) > threshold) break;
      sum = next;
      this.#boundSums[nonEssential++] = sum;
    }
    return nonEssential;
  }

  #scoreWindow(
    index: InvertedIndex,
    cache: Float32Array,
    heap: TopKHeap,
    accept: ((document: number) => boolean) | undefined,
    windowMin: number,
    windowMax: number,
    essentialFrom: number,
  ): number {
    if (essentialFrom === this.#termCount - 1) {
      return this.#scoreWindowOneEssential(
        index,
        cache,
        heap,
        accept,
        windowMin,
        windowMax,
        essentialFrom,
      );
    }
    const { norms, live } = index;
    const cursors = this.#cursors;
    const order = this.#order;
    const weights = this.#weights;
    const termScores = this.#termScores;
    const termCount = this.#termCount;
    let threshold = this.#threshold(heap);
    const repartitionAt = this.#repartitionAt(essentialFrom);
    for (let slot = essentialFrom; slot < termCount; slot++)
      cursors[order[slot]!]!.advance(windowMin);
    for (;;) {
      let document = noMoreDocuments;
      for (let slot = essentialFrom; slot < termCount; slot++) {
        const current = cursors[order[slot]!]!.document;
        if (current < document) document = current;
      }
      if (document > windowMax) return windowMax + 1;
      if (live[document] !== 0) {
        const inverseNorm = cache[norms[document]!]!;
        let partial = 0;
        for (let slot = essentialFrom; slot < termCount; slot++) {
          const term = order[slot]!;
          const cursor = cursors[term]!;
          if (cursor.document !== document) continue;
          const score = termScore(weights[term]!, cursor.frequency, inverseNorm);
          termScores[term] = score;
          partial += score;
        }
        threshold = this.#complete(
          heap,
          accept,
          threshold,
          document,
          inverseNorm,
          partial,
          essentialFrom,
        );
      }
      for (let slot = essentialFrom; slot < termCount; slot++) {
        const cursor = cursors[order[slot]!]!;
        if (cursor.document === document) cursor.nextDocument();
      }
      // The bar rose enough to demote another term: partition the rest of the window anew.
      if (threshold >= repartitionAt) return document + 1;
    }
  }

  /** The bar at which the weakest essential term would become non-essential too. */
  #repartitionAt(essentialFrom: number): number {
    const weakest = this.#windowBounds[this.#order[essentialFrom]!]!;
    const nonEssential = essentialFrom > 0 ? this.#boundSums[essentialFrom - 1]! : 0;
    return Math.fround((nonEssential + weakest) * inflation);
  }

  /**
   * The common case once the top k fills up with frequent terms: one essential term. Its
   * postings are walked alone; a block of them whose bound plus the others' cannot beat the
   * k-th score is skipped by its header, and a posting that cannot is dropped before any
   * other term is looked at.
   */
  #scoreWindowOneEssential(
    index: InvertedIndex,
    cache: Float32Array,
    heap: TopKHeap,
    accept: ((document: number) => boolean) | undefined,
    windowMin: number,
    windowMax: number,
    essentialFrom: number,
  ): number {
    const { norms, live } = index;
    const term = this.#order[essentialFrom]!;
    const cursor = this.#cursors[term]!;
    const weight = this.#weights[term]!;
    const saturatedBound = this.#maxFrequencies[term]!;
    const termScores = this.#termScores;
    const others = essentialFrom > 0 ? this.#boundSums[essentialFrom - 1]! : 0;
    let threshold = this.#threshold(heap);
    const repartitionAt = this.#repartitionAt(essentialFrom);
    let checkedUpTo = -1;
    let document = cursor.advance(windowMin);
    while (document <= windowMax) {
      if (document > checkedUpTo) {
        // First posting of a block: skip the block if even its bound cannot make it.
        checkedUpTo = cursor.blockLast;
        const frequencyByte = cursor.blockMaxFrequency;
        const frequency = frequencyByte === saturatedFrequency ? saturatedBound : frequencyByte;
        const blockBound = termScore(weight, frequency, cache[cursor.blockMinNorm]!);
        if (Math.fround((blockBound + others) * inflation) <= threshold) {
          this.pruned = true;
          document = cursor.advance(checkedUpTo + 1);
          continue;
        }
      }
      if (live[document] !== 0) {
        const inverseNorm = cache[norms[document]!]!;
        const score = termScore(weight, cursor.frequency, inverseNorm);
        if (Math.fround((score + others) * inflation) > threshold) {
          termScores[term] = score;
          threshold = this.#complete(
            heap,
            accept,
            threshold,
            document,
            inverseNorm,
            score,
            essentialFrom,
          );
          if (threshold >= repartitionAt) return document + 1;
        } else {
          this.pruned = true;
        }
      }
      document = cursor.nextDocument();
    }
    return windowMax + 1;
  }

  /**
   * Finishes a candidate whose essential terms' scores are in `#termScores` (summing to
   * `partial`): looks up the non-essential terms, strongest first, while the candidate can
   * still beat `threshold`; pushes it if it does. Returns the new threshold; clears `#termScores`.
   */
  #complete(
    heap: TopKHeap,
    accept: ((document: number) => boolean) | undefined,
    threshold: number,
    document: number,
    inverseNorm: number,
    essentialPartial: number,
    essentialFrom: number,
  ): number {
    const cursors = this.#cursors;
    const order = this.#order;
    const weights = this.#weights;
    const termScores = this.#termScores;
    const boundSums = this.#boundSums;
    const termCount = this.#termCount;
    let partial = essentialPartial;
    let competitive = true;
    for (let slot = essentialFrom - 1; slot >= 0; slot--) {
      if (Math.fround((partial + boundSums[slot]!) * inflation) <= threshold) {
        competitive = false;
        this.pruned = true;
        break;
      }
      const term = order[slot]!;
      const cursor = cursors[term]!;
      if (cursor.advance(document) !== document) continue;
      const score = termScore(weights[term]!, cursor.frequency, inverseNorm);
      termScores[term] = score;
      partial += score;
    }
    let result = threshold;
    // (partial is summed in another order than the exact score: compared inflated)
    if (competitive && Math.fround(partial * inflation) > threshold) {
      // The exact score: summed in the terms' query order, as the exhaustive path does.
      let sum = 0;
      for (let term = 0; term < termCount; term++) sum += termScores[term]!;
      const score = Math.fround(sum);
      if (heap.accepts(score, document) && (accept === undefined || accept(document))) {
        heap.push(score, document);
        result = this.#threshold(heap);
      }
    }
    for (let term = 0; term < termCount; term++) termScores[term] = 0;
    return result;
  }
}
