import type { Document } from "@hybrid-rag/core";
import { ensureCapacity } from "./growable.ts";
import { lengthToNorm } from "./small-float.ts";

/**
 * The in-memory index: per-term postings in typed arrays, per-document norms and lengths.
 *
 * Documents get consecutive internal numbers in insertion order (an update deletes the old
 * number and appends a new one, as Lucene does), so every postings list is sorted by document.
 * Postings of a term are one Int32Array of interleaved (document, frequency) pairs.
 *
 * Statistics are exact for the live documents at all times: deleting a document re-analyses
 * its stored text to decrement the document frequency of each of its terms. (Lucene keeps
 * deleted documents in its statistics until a merge drops them; we do not.)
 */
export class InvertedIndex {
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
  postings: Int32Array[] = [];
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

  get size(): number {
    return this.ids.length;
  }

  get liveCount(): number {
    return this.numberById.size;
  }

  /** Appends a document whose tokens were already analysed. Returns its internal number. */
  add(document: Document, tokens: readonly string[]): number {
    const number = this.ids.length;
    this.ids.push(document.id);
    this.documents.push(document);
    this.numberById.set(document.id, number);
    this.norms = ensureCapacity(this.norms, number + 1);
    this.lengths = ensureCapacity(this.lengths, number + 1);
    this.live = ensureCapacity(this.live, number + 1);
    this.norms[number] = lengthToNorm(tokens.length);
    this.lengths[number] = tokens.length;
    this.live[number] = 1;
    if (tokens.length > 0) this.documentsWithTerms++;
    this.totalTerms += tokens.length;
    // Count with reusable typed arrays rather than a Map per document (indexing hot path).
    let distinct = 0;
    for (const token of tokens) {
      const term = this.termNumber(token);
      if (this.#counts[term]!++ === 0) this.#distinct[distinct++] = term;
    }
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
    for (let term = 0; term < this.postings.length; term++) {
      const list = this.postings[term]!;
      const size = this.postingSizes[term]!;
      let write = 0;
      for (let read = 0; read < size; read += 2) {
        const target = renumbered[list[read]!]!;
        if (target < 0) continue;
        list[write++] = target;
        list[write++] = list[read + 1]!;
      }
      this.postingSizes[term] = write;
      this.postings[term] = write < list.length / 2 ? list.slice(0, write) : list;
    }
    this.deletedCount = 0;
  }

  termNumber(term: string): number {
    let number = this.termNumbers.get(term);
    if (number === undefined) {
      number = this.terms.length;
      this.termNumbers.set(term, number);
      this.terms.push(term);
      this.postings.push(new Int32Array(2));
      this.postingSizes = ensureCapacity(this.postingSizes, number + 1);
      this.documentFrequencies = ensureCapacity(this.documentFrequencies, number + 1);
      this.maxFrequencies = ensureCapacity(this.maxFrequencies, number + 1);
      this.#counts = ensureCapacity(this.#counts, number + 1);
      this.#distinct = ensureCapacity(this.#distinct, number + 1);
    }
    return number;
  }

  private appendPosting(term: number, document: number, frequency: number): void {
    const size = this.postingSizes[term]!;
    let list = this.postings[term]!;
    if (size + 2 > list.length) {
      list = ensureCapacity(list, size + 2);
      this.postings[term] = list;
    }
    list[size] = document;
    list[size + 1] = frequency;
    this.postingSizes[term] = size + 2;
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
