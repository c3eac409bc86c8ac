import type { Document } from "@hybrid-rag/core";
import { ensureCapacity } from "./growable.ts";
import { lengthToNorm } from "./small-float.ts";
import { forEachStandardTerm, type TermNumbering } from "./standard-terms.ts";
import { hashRange, TermTable } from "./term-table.ts";

/**
 * The in-memory index: per-term postings in typed arrays, per-document norms and lengths.
 *
 * Documents get consecutive internal numbers in insertion order (an update deletes the old
 * number and appends a new one, as Lucene does), so every postings list is sorted by document.
 * All postings live in one Int32Array pool: term t owns the block starting at
 * `postingStarts[t]`, `postingSizes[t]` ints long, of interleaved (document, frequency) pairs.
 * A full block moves to the end of the pool with twice the room (one pool instead of an array
 * per term: appends are ~2.5× faster); the pool is packed when more than half of it is stale.
 *
 * Statistics are exact for the live documents at all times: deleting a document re-analyses
 * its stored text to decrement the document frequency of each of its terms. (Lucene keeps
 * deleted documents in its statistics until a merge drops them; we do not.)
 */
export class InvertedIndex implements TermNumbering {
  /** Internal document number → external id (undefined once deleted). */
  ids: Array<string | undefined> = [];
  documents: Array<Document | undefined> = [];
  norms: Uint8Array = new Uint8Array(0);
  /** Exact token count of each document (the norm is its lossy form). */
  lengths: Uint32Array = new Uint32Array(0);
  live: Uint8Array = new Uint8Array(0);
  readonly numberById = new Map<string, number>();

  readonly termNumbers = new Map<string, number>();
  terms: string[] = [];
  pool: Int32Array = new Int32Array(1024);
  /** Ints of the pool in use (the live blocks and the stale ones left behind by moves). */
  poolUsed = 0;
  /** Ints of postings in all blocks (what a packed pool holds). */
  postingsTotal = 0;
  postingStarts: Int32Array = new Int32Array(0);
  postingCapacities: Int32Array = new Int32Array(0);
  postingSizes: Int32Array = new Int32Array(0);
  /** Live documents containing each term. */
  documentFrequencies: Int32Array = new Int32Array(0);
  /** Highest frequency of each term in any document ever added (an upper bound for pruning). */
  maxFrequencies: Int32Array = new Int32Array(0);

  /** Live documents with at least one token (Lucene's docCount of the field). */
  documentsWithTerms = 0;
  /** Sum of the lengths of live documents (Lucene's sumTotalTermFreq). */
  totalTerms = 0;
  deletedCount = 0;
  #counts: Int32Array = new Int32Array(0);
  #distinct: Int32Array = new Int32Array(0);
  readonly #table = new TermTable();

  get size(): number {
    return this.ids.length;
  }

  get liveCount(): number {
    return this.numberById.size;
  }

  /** Appends a document whose tokens were already analysed. Returns its internal number. */
  add(document: Document, tokens: readonly string[]): number {
    let distinct = 0;
    for (const token of tokens) {
      const term = this.termNumber(token);
      if (this.#counts[term]!++ === 0) this.#distinct[distinct++] = term;
    }
    return this.#append(document, tokens.length, distinct);
  }

  /**
   * `add(document, standardAnalyzer.analyze(text))` with the same terms and statistics, but
   * ASCII tokens go from the text to their term number without becoming strings.
   */
  addStandardText(document: Document, text: string): number {
    let length = 0;
    let distinct = 0;
    forEachStandardTerm(text, this, (term) => {
      length++;
      if (this.#counts[term]!++ === 0) this.#distinct[distinct++] = term;
    });
    return this.#append(document, length, distinct);
  }

  /** Registers a document of `length` tokens whose `distinct` terms were just counted. */
  #append(document: Document, length: number, distinct: number): number {
    const number = this.ids.length;
    this.ids.push(document.id);
    this.documents.push(document);
    this.numberById.set(document.id, number);
    this.norms = ensureCapacity(this.norms, number + 1);
    this.lengths = ensureCapacity(this.lengths, number + 1);
    this.live = ensureCapacity(this.live, number + 1);
    this.norms[number] = lengthToNorm(length);
    this.lengths[number] = length;
    this.live[number] = 1;
    if (length > 0) this.documentsWithTerms++;
    this.totalTerms += length;
    // Counted with reusable typed arrays rather than a Map per document (indexing hot path).
    for (let slot = 0; slot < distinct; slot++) {
      const term = this.#distinct[slot]!;
      this.appendPosting(term, number, this.#counts[term]!);
      this.#counts[term] = 0;
    }
    return number;
  }

  /** Marks a document deleted and removes it from the statistics (`tokens` = its analysis). */
  remove(number: number, tokens: readonly string[]): void {
    const id = this.ids[number];
    if (id === undefined || this.live[number] === 0) return;
    this.numberById.delete(id);
    this.ids[number] = undefined;
    this.documents[number] = undefined;
    this.live[number] = 0;
    this.deletedCount++;
    if (tokens.length > 0) this.documentsWithTerms--;
    this.totalTerms -= tokens.length;
    for (const term of new Set(tokens)) {
      const termNumber = this.termNumbers.get(term);
      if (termNumber !== undefined) this.documentFrequencies[termNumber]!--;
    }
  }

  /** Drops deleted documents and renumbers the rest, keeping their order. */
  compact(): void {
    if (this.deletedCount === 0) return;
    const renumbered = new Int32Array(this.size).fill(-1);
    let next = 0;
    for (let number = 0; number < this.size; number++) {
      if (this.live[number] === 1) renumbered[number] = next++;
    }
    const keep = (values: Array<string | undefined> | Array<Document | undefined>) =>
      values.filter((_, number) => this.live[number] === 1);
    this.ids = keep(this.ids) as Array<string | undefined>;
    this.documents = keep(this.documents) as Array<Document | undefined>;
    const norms = new Uint8Array(next);
    const lengths = new Uint32Array(next);
    for (let number = 0; number < renumbered.length; number++) {
      const target = renumbered[number]!;
      if (target < 0) continue;
      norms[target] = this.norms[number]!;
      lengths[target] = this.lengths[number]!;
    }
    this.norms = norms;
    this.lengths = lengths;
    this.live = new Uint8Array(next).fill(1);
    this.ids.forEach((id, number) => {
      this.numberById.set(id!, number);
    });
    const pool = this.pool;
    for (let term = 0; term < this.terms.length; term++) {
      const start = this.postingStarts[term]!;
      const end = start + this.postingSizes[term]!;
      let write = start;
      for (let read = start; read < end; read += 2) {
        const target = renumbered[pool[read]!]!;
        if (target < 0) continue;
        pool[write++] = target;
        pool[write++] = pool[read + 1]!;
      }
      this.postingsTotal -= end - write;
      this.postingSizes[term] = write - start;
    }
    this.pack();
    this.deletedCount = 0;
  }

  termNumber(term: string): number {
    let number = this.termNumbers.get(term);
    if (number === undefined) {
      number = this.terms.length;
      this.termNumbers.set(term, number);
      this.terms.push(term);
      this.#table.insert(number, term);
      this.postingStarts = ensureCapacity(this.postingStarts, number + 1);
      this.postingCapacities = ensureCapacity(this.postingCapacities, number + 1);
      this.postingSizes = ensureCapacity(this.postingSizes, number + 1);
      this.documentFrequencies = ensureCapacity(this.documentFrequencies, number + 1);
      this.maxFrequencies = ensureCapacity(this.maxFrequencies, number + 1);
      this.#counts = ensureCapacity(this.#counts, number + 1);
      this.#distinct = ensureCapacity(this.#distinct, number + 1);
    }
    return number;
  }

  asciiTermNumber(text: string, from: number, to: number): number {
    const hash = hashRange(text, from, to);
    const found = this.#table.findLowercasedAscii(text, from, to, hash);
    return found >= 0 ? found : this.termNumber(text.slice(from, to).toLowerCase());
  }

  /** Rewrites the pool with every block exactly as long as its postings, in term order. */
  pack(): void {
    const packed = new Int32Array(Math.max(1024, this.postingsTotal));
    let offset = 0;
    for (let term = 0; term < this.terms.length; term++) {
      const start = this.postingStarts[term]!;
      const size = this.postingSizes[term]!;
      packed.set(this.pool.subarray(start, start + size), offset);
      this.postingStarts[term] = offset;
      this.postingCapacities[term] = size;
      offset += size;
    }
    this.pool = packed;
    this.poolUsed = offset;
  }

  /** Packs the pool when more than half of it is stale blocks. */
  packIfWasteful(): void {
    if (this.poolUsed > 2 * this.postingsTotal + 4096) this.pack();
  }

  private appendPosting(term: number, document: number, frequency: number): void {
    const size = this.postingSizes[term]!;
    let start = this.postingStarts[term]!;
    if (size + 2 > this.postingCapacities[term]!) {
      const capacity = Math.max(4, this.postingCapacities[term]! * 2);
      if (this.poolUsed + capacity > this.pool.length) {
        const grown = new Int32Array(Math.max(this.pool.length * 2, this.poolUsed + capacity));
        grown.set(this.pool.subarray(0, this.poolUsed));
        this.pool = grown;
      }
      this.pool.copyWithin(this.poolUsed, start, start + size);
      start = this.poolUsed;
      this.postingStarts[term] = start;
      this.postingCapacities[term] = capacity;
      this.poolUsed += capacity;
    }
    this.pool[start + size] = document;
    this.pool[start + size + 1] = frequency;
    this.postingSizes[term] = size + 2;
    this.postingsTotal += 2;
    this.documentFrequencies[term]!++;
    if (frequency > this.maxFrequencies[term]!) this.maxFrequencies[term] = frequency;
  }
}

/** Term → frequency, in first-occurrence order. */
export function countTerms(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}
