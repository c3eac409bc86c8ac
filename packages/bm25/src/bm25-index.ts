import {
  type Document,
  type DocumentIndex,
  type EmitsEvents,
  type Hit,
  HybridRagEmitter,
  HybridRagError,
  type ItemFailure,
  type ItemSkip,
  imageOnlySkipReason,
  isBlankQuery,
  isImageOnly,
  matchesMetadataFilter,
  type RetrieveOptions,
  type Retriever,
  toHybridRagError,
  validateDeleteCall,
  validateDocuments,
  validateRetrieveCall,
  type WriteOptions,
  type WriteReport,
} from "@hybrid-rag/core";
import { throwIfAborted } from "@hybrid-rag/core/internal";
import type { Analyzer } from "./analyzer.ts";
import { standardAnalyzer } from "./analyzers.ts";
import { type Bm25Field, type Bm25IndexOptions, resolveOptions } from "./bm25-options.ts";
import { InvertedIndex } from "./inverted-index.ts";
import { saveIndex } from "./persistence.ts";
import { Searcher } from "./search.ts";

/** False when a string has a lone UTF-16 surrogate (String.prototype.isWellFormed, ES2024). */
const isWellFormed = (text: string): boolean =>
  (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * An embedded BM25 retriever that scores exactly as Lucene 8+ / Elasticsearch do (see README).
 * Writes go in batches with `index-progress` events; equal scores rank the earlier-written
 * document first (an upsert counts as a new write), as Lucene ranks by document order.
 */
export class Bm25Index implements Retriever, DocumentIndex, EmitsEvents {
  readonly name: string;
  readonly analyzer: Analyzer;
  readonly k1: number;
  readonly b: number;
  readonly fields: readonly Bm25Field[];
  readonly events = new HybridRagEmitter();
  readonly #batchSize: number;
  readonly #searcher = new Searcher();
  #index: InvertedIndex;

  constructor(options?: Bm25IndexOptions, index = new InvertedIndex()) {
    const resolved = resolveOptions(options);
    this.name = resolved.name;
    this.analyzer = resolved.analyzer;
    this.k1 = resolved.k1;
    this.b = resolved.b;
    this.fields = resolved.fields;
    this.#batchSize = resolved.batchSize;
    this.#index = index;
  }

  async upsert(documents: readonly Document[], options?: WriteOptions): Promise<WriteReport> {
    throwIfAborted(options?.signal, `${this.name} upsert`);
    const { valid, failed: invalid } = validateDocuments(documents);
    const failed: ItemFailure[] = [...invalid];
    const skipped: ItemSkip[] = [];
    const started = performance.now();
    let succeeded = 0;
    // Each batch's postings are appended term by term once it is analysed; searches between
    // batches see every document written so far.
    this.#index.deferPostings();
    try {
      for (let start = 0; start < valid.length; start += this.#batchSize) {
        if (start > 0) {
          await new Promise((resolve) => setImmediate(resolve));
          this.#throwIfAbortedDuringWrite(options?.signal, succeeded, valid.length);
        }
        for (const { document, index } of valid.slice(start, start + this.#batchSize)) {
          if (isImageOnly(document)) {
            // No text to index; the version it replaces must not stay searchable either.
            this.#removeExisting(document.id);
            skipped.push({ id: document.id, index, reason: imageOnlySkipReason(this.name) });
            continue;
          }
          try {
            this.#write(document);
            succeeded++;
          } catch (error) {
            failed.push({ id: document.id, index, error: toHybridRagError(error, this.name) });
          }
        }
        this.#index.flushPostings();
        this.events.emit("index-progress", {
          index: this.name,
          done: Math.min(start + this.#batchSize, valid.length),
          total: valid.length,
          failed: failed.length,
          elapsedMs: performance.now() - started,
        });
      }
    } finally {
      this.#index.endDeferring();
    }
    this.#compactIfWasteful();
    this.#index.packIfWasteful();
    failed.sort((a, b) => a.index - b.index);
    return skipped.length > 0 ? { succeeded, failed, skipped } : { succeeded, failed };
  }

  async delete(ids: readonly string[], options?: WriteOptions): Promise<WriteReport> {
    validateDeleteCall(this.name, ids, options);
    const failed: ItemFailure[] = [];
    const started = performance.now();
    let succeeded = 0;
    ids.forEach((id: unknown, index) => {
      if (typeof id !== "string") {
        const error = new HybridRagError(
          "invalid-argument",
          `id at index ${index} must be a string, got ${typeof id}.`,
        );
        failed.push({ id: String(id), index, error });
        return;
      }
      const number = this.#index.numberById.get(id);
      if (number === undefined) return;
      this.#remove(number);
      succeeded++;
    });
    this.events.emit("index-progress", {
      index: this.name,
      done: ids.length,
      total: ids.length,
      failed: failed.length,
      elapsedMs: performance.now() - started,
    });
    this.#compactIfWasteful();
    return { succeeded, failed };
  }

  async count(): Promise<number> {
    return this.#index.liveCount;
  }

  async retrieve(query: string, options: RetrieveOptions): Promise<Hit[]> {
    const { topK, filter, includeDocuments } = validateRetrieveCall(this.name, query, options);
    if (isBlankQuery(query)) return [];
    const tokens = this.analyzer.analyze(query);
    const index = this.#index;
    const accept = filter
      ? (number: number) => matchesMetadataFilter(index.documents.metadata(number), filter)
      : undefined;
    const scored = this.#searcher.search(index, {
      tokens,
      topK,
      k1: this.k1,
      b: this.b,
      ...(accept ? { accept } : {}),
    });
    return scored.map(({ document: number, score }, position) => {
      const rank = position + 1;
      return {
        id: index.documents.id(number)!,
        score,
        rank,
        ...(includeDocuments ? { document: index.documents.get(number)! } : {}),
        sources: { [this.name]: { status: "found", rank, score } },
      };
    });
  }

  /**
   * Writes the index to `path` atomically (a temporary file renamed into place). With
   * `storeDocuments: false` only the document ids are written: load it with the same documents
   * (`loadBm25Index(path, { documents })`), as a collection sharing one document store does.
   */
  async save(path: string, options: { readonly storeDocuments?: boolean } = {}): Promise<void> {
    this.#index.compact();
    await saveIndex(path, this.#index, options.storeDocuments ?? true, {
      name: this.name,
      analyzer: this.analyzer.name,
      k1: this.k1,
      b: this.b,
      fields: this.fields,
    });
  }

  /** The text indexed for a document: the configured fields joined by one space. */
  indexedText(document: Document): string {
    const fields = this.fields;
    if (fields.length === 2) return `${document[fields[0]!] ?? ""} ${document[fields[1]!] ?? ""}`;
    return fields.map((field) => document[field] ?? "").join(" ");
  }

  /** Internal statistics, for tests and diagnostics. */
  statistics(): {
    documentCount: number;
    documentsWithTerms: number;
    totalTerms: number;
    terms: number;
  } {
    const index = this.#index;
    return {
      documentCount: index.liveCount,
      documentsWithTerms: index.documentsWithTerms,
      totalTerms: index.totalTerms,
      terms: index.termCount,
    };
  }

  #write(document: Document): void {
    for (const field of ["text", "title"] as const) {
      const value = document[field];
      if (value !== undefined && !isWellFormed(value)) {
        throw new HybridRagError(
          "invalid-argument",
          `document ${JSON.stringify(document.id)}: ${field} contains a lone UTF-16 surrogate (not valid Unicode, cannot be stored as UTF-8); fix or drop the character.`,
        );
      }
    }
    const text = this.indexedText(document);
    if (this.analyzer === standardAnalyzer) {
      // Same terms as standardAnalyzer.analyze(text), without a string per ASCII token.
      this.#removeExisting(document.id);
      this.#index.addStandardText(document, text);
      return;
    }
    const tokens = this.analyzer.analyze(text);
    if (!Array.isArray(tokens)) {
      throw new HybridRagError(
        "internal",
        `analyzer ${this.analyzer.name} returned ${typeof tokens}, not an array of strings.`,
      );
    }
    this.#removeExisting(document.id);
    this.#index.add(document, tokens);
  }

  #removeExisting(id: string): void {
    const existing = this.#index.numberById.get(id);
    if (existing !== undefined) this.#remove(existing);
  }

  #remove(number: number): void {
    const document = this.#index.documents.get(number);
    if (!document) return;
    this.#index.remove(number, this.analyzer.analyze(this.indexedText(document)));
  }

  #compactIfWasteful(): void {
    if (this.#index.deletedCount > 64 && this.#index.deletedCount * 4 > this.#index.size) {
      this.#index.compact();
    }
  }

  #throwIfAbortedDuringWrite(
    signal: AbortSignal | undefined,
    written: number,
    total: number,
  ): void {
    if (!signal?.aborted) return;
    throw new HybridRagError(
      "aborted",
      `${this.name} upsert: aborted after ${written} of ${total} documents were written; the written ones stay indexed, write the rest again.`,
      { cause: signal.reason, details: { written, total } },
    );
  }
}

/** Creates an empty BM25 index. */
export function createBm25Index(options?: Bm25IndexOptions): Bm25Index {
  return new Bm25Index(options);
}
