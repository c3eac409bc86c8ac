import type { InvertedIndex } from "./inverted-index.ts";
import type { PostingsCursor } from "./postings-codec.ts";
import type { QueryTerm, SearchRequest } from "./query-terms.ts";
import { termScore } from "./similarity.ts";
import { TopKHeap } from "./top-k-heap.ts";

/** The short lists whose documents are candidates hold at most this share of the longest list. */
const shortListShare = 1 / 4;
/** Candidates rescored per hit asked for. */
const candidatesPerHit = 4;

/**
 * A bar below which no document can reach the top k, known before the first is visited.
 *
 * Document-at-a-time pruning starts with an empty top k: a frequent term stays essential until
 * k good documents turned up, which for a rare strongest term may be at the end of its list.
 * The query's short lists (strongest first, together at most a quarter of the longest, until
 * 4k documents were found) are read first, and their
 * documents with the best single-term scores (accepted and live) are rescored exactly on every
 * term, following the postings with one cursor that skips blocks; k distinct ones then have
 * known final scores, so a document scoring
 * less than the k-th cannot make the top k. Those documents are not in the heap yet and may
 * rank after a later tie, so the bar is the next float below the k-th (a document must score
 * strictly less to be dropped). -Infinity when unused.
 */
export function seedThreshold(
  index: InvertedIndex,
  terms: readonly QueryTerm[],
  cache: Float32Array,
  request: SearchRequest,
  cursor: PostingsCursor,
): number {
  const none = Number.NEGATIVE_INFINITY;
  let longest = 0;
  for (const term of terms) if (term.count > longest) longest = term.count;
  const budget = longest * shortListShare;
  if (terms.length < 2) return none;
  const { norms, live, pool } = index;
  const candidates = new TopKHeap(request.topK * candidatesPerHit);
  let spent = 0;
  for (const { start, end, count, weight } of terms) {
    // Enough candidates from the strongest short lists: the rest would only cost decoding.
    if (candidates.size === candidates.capacity) break;
    if (spent + count > budget) continue;
    spent += count;
    cursor.reset(pool, start, end);
    while (cursor.next()) {
      const document = cursor.document;
      if (live[document] === 0) continue;
      const score = termScore(weight, cursor.frequency, cache[norms[document]!]!);
      if (!candidates.accepts(score, document)) continue;
      if (request.accept && !request.accept(document)) continue;
      candidates.push(score, document);
    }
  }
  if (candidates.size < request.topK) return none;
  // A document of several short lists is a candidate once.
  const sorted = candidates.documents.slice(0, candidates.size).sort();
  const documents = sorted.filter((document, slot) => slot === 0 || sorted[slot - 1] !== document);
  if (documents.length < request.topK) return none;
  const termCount = terms.length;
  // scores[candidate × termCount + term], summed below in the terms' order as every path does.
  const scores = new Float64Array(documents.length * termCount);
  for (const [term, { start, end, weight }] of terms.entries()) {
    cursor.reset(pool, start, end);
    for (const [slot, document] of documents.entries()) {
      if (!cursor.advanceTo(document)) break;
      if (cursor.document !== document) continue;
      const score = termScore(weight, cursor.frequency, cache[norms[document]!]!);
      scores[slot * termCount + term] = score;
    }
  }
  const best = new TopKHeap(request.topK);
  for (const [slot, document] of documents.entries()) {
    let sum = 0;
    for (let term = 0; term < termCount; term++) sum += scores[slot * termCount + term]!;
    best.push(Math.fround(sum), document);
  }
  const kth = best.threshold;
  return kth > 0 ? previousFloat(kth) : none;
}

const floatView = new Float32Array(1);
const bitsView = new Int32Array(floatView.buffer);

/** The largest float32 below a positive float32 value. */
function previousFloat(value: number): number {
  floatView[0] = value;
  bitsView[0]! -= 1;
  return floatView[0]!;
}
