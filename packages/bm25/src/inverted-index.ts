import type { Document } from "@hybrid-rag/core";
import { DocumentTable } from "./document-table.ts";
import { ensureCapacity } from "./growable.ts";
import { IdTable } from "./id-table.ts";
import {
  blockHeaderBytes,
  maxPostingBytes,
  PostingsCursor,
  postingsPerBlock,
  readUint32,
  writeBlockHeader,
  writeVarint,
} from "./postings-codec.ts";
import { lengthToNorm } from "./small-float.ts";
import { forEachStandardTerm, type TermNumbering } from "./standard-terms.ts";
import { hashRange, TermTable } from "./term-table.ts";

/**
 * The in-memory index: per-term postings in typed arrays, per-document norms and lengths.
 *
 * Documents get consecutive internal numbers in insertion order (an update deletes the old
 * number and appends a new one, as Lucene does), so every postings list is sorted by document.
 * All postings live in one byte pool, compressed (`postings-codec.ts`: document deltas and
 * frequencies as varints in blocks of 128 with skip headers): term t owns the region starting
 * at `postingStarts[t]`, `postingSizes[t]` bytes long. A full region moves to the end of the
 * pool with twice the room (one pool instead of an array per term: appends are ~2.5× faster);
 * the pool is packed when a quarter of it is stale or unused room.
 *
 * Statistics are exact for the live documents at all times: deleting a document re-analyses
 * its stored text to decrement the document frequency of each of its terms. (Lucene keeps
 * deleted documents in its statistics until a merge drops them; we do not.)
 */
export class InvertedIndex implements TermNumbering {
  /** Internal document number → document (undefined once deleted); its id is the external id. */
  documents = new DocumentTable();
  norms: Uint8Array = new Uint8Array(0);
  /** Exact token count of each document (the norm is its lossy form). */
  lengths: Uint32Array = new Uint32Array(0);
  live: Uint8Array = new Uint8Array(0);
  readonly numberById = new IdTable((number) => this.documents.id(number));

  pool: Uint8Array = new Uint8Array(4096);
  /** Bytes of the pool in use (the live regions and the stale ones left behind by moves). */
  poolUsed = 0;
  /** Bytes of postings in all regions (what a packed pool holds). */
  postingsTotal = 0;
  postingStarts: Int32Array = new Int32Array(0);
  postingCapacities: Int32Array = new Int32Array(0);
  postingSizes: Int32Array = new Int32Array(0);
  /** Postings of each term, deleted documents included until `compact`. */
  postingCounts: Int32Array = new Int32Array(0);
  /** Where each term's open (last) block starts, relative to its region. */
  openBlocks: Int32Array = new Int32Array(0);
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
  #totalAtLastPack = 0;
  /**
   * Between `deferPostings()` and `endDeferring()`: the postings of the documents added since
   * the last flush, as (term, document, frequency) triples in document order, appended term by
   * term at `flushPostings()` (each term's state and region end are then touched once per
   * flush rather than once per posting, in ascending term order).
   */
  #deferring = false;
  #pending: Int32Array = new Int32Array(0);
  #pendingCount = 0;
  #firstPendingDocument = 0;
  #bucketEnds: Int32Array = new Int32Array(0);
  #sortedDocuments: Int32Array = new Int32Array(0);
  #sortedFrequencies: Int32Array = new Int32Array(0);

  get size(): number {
    return this.documents.length;
  }

  get liveCount(): number {
    return this.numberById.size;
  }

  /** Appends a document whose tokens were already analysed. Returns its internal number. */
  add(document: Document, tokens: readonly string[]): number {
    let distinct = 0;
    for (const token of tokens) {
      const term = this.termNumber(token);
      if (this.#counts[term]!++ === 0) this.#noteDistinct(distinct++, term);
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
      if (this.#counts[term]!++ === 0) this.#noteDistinct(distinct++, term);
    });
    return this.#append(document, length, distinct);
  }

  /** Records the `slot`-th distinct term of the document being added. */
  #noteDistinct(slot: number, term: number): void {
    // Sized by the most distinct terms of one document so far, not by the vocabulary.
    if (slot === this.#distinct.length) this.#distinct = ensureCapacity(this.#distinct, slot + 1);
    this.#distinct[slot] = term;
  }

  /** Registers a document of `length` tokens whose `distinct` terms were just counted. */
  #append(document: Document, length: number, distinct: number): number {
    const number = this.documents.length;
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
    if (this.#deferring) {
      this.#pending = ensureCapacity(this.#pending, (this.#pendingCount + distinct) * 3);
      const pending = this.#pending;
      let at = this.#pendingCount * 3;
      for (let slot = 0; slot < distinct; slot++) {
        const term = this.#distinct[slot]!;
        pending[at++] = term;
        pending[at++] = number;
        pending[at++] = this.#counts[term]!;
        this.#counts[term] = 0;
      }
      this.#pendingCount += distinct;
      return number;
    }
    for (let slot = 0; slot < distinct; slot++) {
      const term = this.#distinct[slot]!;
      this.appendPosting(term, number, this.#counts[term]!);
      this.#counts[term] = 0;
    }
    return number;
  }

  /**
   * From now on, documents' postings are collected and appended term by term by
   * `flushPostings()` (bulk loads: faster on large vocabularies). The index may only be read
   * after a flush; `endDeferring()` flushes and returns to appending document by document.
   */
  deferPostings(): void {
    this.flushPostings();
    this.#deferring = true;
  }

  /** Appends the collected postings, term by term (each term's in document order). */
  flushPostings(): void {
    const count = this.#pendingCount;
    this.#firstPendingDocument = this.documents.length;
    if (count === 0) return;
    this.#pendingCount = 0;
    const pending = this.#pending;
    const terms = this.termCount;
    // Counting sort by term, stable (documents stay ascending within a term), into two
    // arrays read in order afterwards: term t's postings end up in [ends[t − 1], ends[t]).
    this.#bucketEnds = ensureCapacity(this.#bucketEnds, terms + 1);
    const ends = this.#bucketEnds;
    ends.fill(0, 0, terms + 1);
    for (let posting = 0; posting < count; posting++) ends[pending[posting * 3]! + 1]!++;
    for (let term = 0; term < terms; term++) ends[term + 1]! += ends[term]!;
    this.#sortedDocuments = ensureCapacity(this.#sortedDocuments, count);
    this.#sortedFrequencies = ensureCapacity(this.#sortedFrequencies, count);
    const documents = this.#sortedDocuments;
    const frequencies = this.#sortedFrequencies;
    for (let posting = 0, at = 0; posting < count; posting++, at += 3) {
      const to = ends[pending[at]!]!++;
      documents[to] = pending[at + 1]!;
      frequencies[to] = pending[at + 2]!;
    }
    let from = 0;
    for (let term = 0; term < terms; term++) {
      const to = ends[term]!;
      for (let slot = from; slot < to; slot++) {
        this.appendPosting(term, documents[slot]!, frequencies[slot]!);
      }
      from = to;
    }
  }

  /** Flushes, appends document by document again and drops the scratch space. */
  endDeferring(): void {
    this.flushPostings();
    this.#deferring = false;
    this.#pending = new Int32Array(0);
    this.#bucketEnds = new Int32Array(0);
    this.#sortedDocuments = new Int32Array(0);
    this.#sortedFrequencies = new Int32Array(0);
  }

  /** Marks a document deleted and removes it from the statistics (`tokens` = its analysis). */
  remove(number: number, tokens: readonly string[]): void {
    const id = this.documents.id(number);
    if (id === undefined || this.live[number] === 0) return;
    // Its postings (and document frequencies) must be in before they are taken out.
    if (this.#pendingCount > 0 && number >= this.#firstPendingDocument) this.flushPostings();
    this.numberById.delete(id);
    this.documents.delete(number);
    this.live[number] = 0;
    this.deletedCount++;
    if (tokens.length > 0) this.documentsWithTerms--;
    this.totalTerms -= tokens.length;
    for (const term of new Set(tokens)) {
      const termNumber = this.#table.find(term);
      if (termNumber >= 0) this.documentFrequencies[termNumber]!--;
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
    this.documents.compact(this.live);
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
    this.numberById.clear();
    for (let number = 0; number < next; number++) {
      this.numberById.set(this.documents.id(number)!, number);
    }
    // Deltas change with the numbers: re-encode every term into a fresh pool.
    const { pool, postingStarts: starts, postingSizes: sizes } = this;
    const termCount = this.termCount;
    this.pool = new Uint8Array(Math.max(4096, this.postingsTotal));
    this.poolUsed = 0;
    this.postingsTotal = 0;
    this.postingStarts = new Int32Array(this.postingStarts.length);
    this.postingCapacities = new Int32Array(this.postingCapacities.length);
    this.postingSizes = new Int32Array(this.postingSizes.length);
    this.postingCounts.fill(0);
    const cursor = new PostingsCursor();
    for (let term = 0; term < termCount; term++) {
      cursor.reset(pool, starts[term]!, starts[term]! + sizes[term]!);
      while (cursor.next()) {
        const target = renumbered[cursor.document]!;
        if (target >= 0) this.encodePosting(term, target, cursor.frequency);
      }
    }
    this.pack();
    this.deletedCount = 0;
  }

  termNumber(term: string): number {
    let number = this.#table.find(term);
    if (number < 0) {
      number = this.#table.count;
      this.#table.insert(number, term);
      this.postingStarts = ensureCapacity(this.postingStarts, number + 1);
      this.postingCapacities = ensureCapacity(this.postingCapacities, number + 1);
      this.postingSizes = ensureCapacity(this.postingSizes, number + 1);
      this.postingCounts = ensureCapacity(this.postingCounts, number + 1);
      this.openBlocks = ensureCapacity(this.openBlocks, number + 1);
      this.documentFrequencies = ensureCapacity(this.documentFrequencies, number + 1);
      this.maxFrequencies = ensureCapacity(this.maxFrequencies, number + 1);
      this.#counts = ensureCapacity(this.#counts, number + 1);
    }
    return number;
  }

  get termCount(): number {
    return this.#table.count;
  }

  /** Every term's string, by term number (for saving). */
  termStrings(): string[] {
    return Array.from({ length: this.#table.count }, (_, number) => this.#table.termAt(number));
  }

  termAt(number: number): string {
    return this.#table.termAt(number);
  }

  /** The number of an indexed term, or -1. */
  findTerm(term: string): number {
    return this.#table.find(term);
  }

  asciiTermNumber(text: string, from: number, to: number): number {
    const hash = hashRange(text, from, to);
    const found = this.#table.findLowercasedAscii(text, from, to, hash);
    return found >= 0 ? found : this.termNumber(text.slice(from, to).toLowerCase());
  }

  /** Rewrites the pool with every region exactly as long as its postings, in term order. */
  pack(): void {
    const packed = new Uint8Array(Math.max(4096, this.postingsTotal));
    let offset = 0;
    for (let term = 0; term < this.termCount; term++) {
      const start = this.postingStarts[term]!;
      const size = this.postingSizes[term]!;
      // Regions hold only relative offsets and absolute documents: they move byte for byte.
      packed.set(this.pool.subarray(start, start + size), offset);
      this.postingStarts[term] = offset;
      this.postingCapacities[term] = size;
      offset += size;
    }
    this.pool = packed;
    this.poolUsed = offset;
    this.#totalAtLastPack = offset;
    this.#trimTermArrays();
    this.#table.trim();
  }

  /** Per-term arrays grow by doubling; once packed, they keep only the terms' length. */
  #trimTermArrays(): void {
    const count = Math.max(8, this.termCount);
    if (this.postingStarts.length <= count) return;
    this.postingStarts = this.postingStarts.slice(0, count);
    this.postingCapacities = this.postingCapacities.slice(0, count);
    this.postingSizes = this.postingSizes.slice(0, count);
    this.postingCounts = this.postingCounts.slice(0, count);
    this.openBlocks = this.openBlocks.slice(0, count);
    this.documentFrequencies = this.documentFrequencies.slice(0, count);
    this.maxFrequencies = this.maxFrequencies.slice(0, count);
    this.#counts = this.#counts.slice(0, count);
  }

  /**
   * Packs the pool when more than a quarter of it is stale regions or unused room, and at least
   * an eighth of the postings were written since the last pack (so that many small upserts
   * into a large index do not each pay for a full pack).
   */
  packIfWasteful(): void {
    const total = this.postingsTotal;
    if (this.pool.length <= total + (total >>> 2) + 65_536) return;
    if (total - this.#totalAtLastPack < total >>> 3) return;
    this.pack();
  }

  /** Appends a posting of a new document (the highest number so far) to a term. */
  appendPosting(term: number, document: number, frequency: number): void {
    this.encodePosting(term, document, frequency);
    this.documentFrequencies[term]!++;
    if (frequency > this.maxFrequencies[term]!) this.maxFrequencies[term] = frequency;
  }

  /** Encodes one posting at the end of a term's region (statistics untouched). */
  private encodePosting(term: number, document: number, frequency: number): void {
    const size = this.postingSizes[term]!;
    const count = this.postingCounts[term]!;
    const opensBlock = count % postingsPerBlock === 0;
    let start = this.postingStarts[term]!;
    const needed = size + maxPostingBytes + (opensBlock ? blockHeaderBytes : 0);
    if (needed > this.postingCapacities[term]!) start = this.#moveRegion(term, needed);
    const pool = this.pool;
    // The base of the delta: the last document of the open block, from its header.
    const previous = count === 0 ? -1 : readUint32(pool, start + this.openBlocks[term]! + 4);
    let position = start + size;
    if (opensBlock) {
      this.openBlocks[term] = size;
      position += blockHeaderBytes;
    }
    position = writeVarint(pool, position, (document - previous) * 2 + (frequency === 1 ? 1 : 0));
    if (frequency !== 1) position = writeVarint(pool, position, frequency);
    const block = start + this.openBlocks[term]!;
    // A document beyond the norms (only in codec tests) gets norm 0: the loosest bound.
    const norm = this.norms[document] ?? 0;
    const payload = position - block - blockHeaderBytes;
    writeBlockHeader(pool, block, payload, document, frequency, norm, opensBlock);
    this.postingCounts[term] = count + 1;
    this.postingSizes[term] = position - start;
    this.postingsTotal += position - start - size;
  }

  /** Moves a term's region to the end of the pool with at least `needed` bytes of room. */
  #moveRegion(term: number, needed: number): number {
    const start = this.postingStarts[term]!;
    const size = this.postingSizes[term]!;
    const capacity = Math.max(needed, 16, this.postingCapacities[term]! * 2);
    const atEnd = start + this.postingCapacities[term]! === this.poolUsed && size > 0;
    if (atEnd && start + capacity <= this.pool.length) {
      // The last region grows in place (compaction re-encodes term after term this way).
      this.postingCapacities[term] = capacity;
      this.poolUsed = start + capacity;
      return start;
    }
    if (this.poolUsed + capacity > this.pool.length) {
      const grown = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + capacity));
      grown.set(this.pool.subarray(0, this.poolUsed));
      this.pool = grown;
    }
    this.pool.copyWithin(this.poolUsed, start, start + size);
    const moved = this.poolUsed;
    this.postingStarts[term] = moved;
    this.postingCapacities[term] = capacity;
    this.poolUsed += capacity;
    return moved;
  }
}

/** Term → frequency, in first-occurrence order. */
export function countTerms(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}
