import {
  type Document,
  type DocumentIndex,
  type Embedder,
  type EmitsEvents,
  type Hit,
  HybridRagEmitter,
  HybridRagError,
  type ItemFailure,
  type ItemSkip,
  isBlankQuery,
  type MetadataFilter,
  matchesMetadataFilter,
  parseWithSchema,
  type RetrieveOptions,
  type Retriever,
  toHybridRagError,
  validateDeleteCall,
  validateDocuments,
  validateRetrieveCall,
  type WriteOptions,
  type WriteReport,
} from "@hybrid-rag/core";
import {
  embedPassages,
  type PassageEmbedding,
  throwIfAborted,
  vectorProblem,
} from "@hybrid-rag/core/internal";
import { HnswGraph } from "./hnsw-graph.ts";
import { removeGraph, removeOtherGraphs, saveGraphBeside } from "./hnsw-graph-file.ts";
import { normalizeInPlace, type VectorMetric } from "./metric.ts";
import { type VectorIndexFileContent, writeVectorIndexFile } from "./vector-index-file.ts";
import {
  defaultPassageText,
  type ResolvedVectorIndexOptions,
  type VectorIndexOptions,
  vectorIndexOptionsSchema,
} from "./vector-index-options.ts";
import { type Int8Search, VectorStore } from "./vector-store.ts";

export interface VectorSearchOptions {
  readonly topK: number;
  readonly filter?: MetadataFilter;
  readonly includeDocuments?: boolean;
}

/**
 * The embedded dense retriever: exact search, a SIMD scan over one contiguous block of vectors.
 * Its target is corpora up to about 100,000 passages, where the scan runs at memory bandwidth
 * in tens of milliseconds (benchmarks/vector-index); beyond that use the Qdrant adapter.
 */
/** Embedding calls an upsert keeps in flight (enough to keep a worker pool busy). */
const embedAhead = 4;

export class VectorIndex implements Retriever, DocumentIndex, EmitsEvents {
  readonly name: string;
  readonly metric: VectorMetric;
  readonly embedder: Embedder;
  readonly events = new HybridRagEmitter();
  readonly #options: ResolvedVectorIndexOptions;
  readonly #embedding: PassageEmbedding;
  #store: VectorStore<Document>;
  readonly #graph: HnswGraph | undefined;
  /** The save in progress: writes wait for it, so a file is one consistent state. */
  #saving: Promise<void> | undefined;

  /** `graph`: an HNSW graph already holding `store`'s vectors (a loaded one). */
  constructor(options: VectorIndexOptions, store?: VectorStore<Document>, graph?: HnswGraph) {
    this.#options = parseWithSchema(vectorIndexOptionsSchema, options, "vector index options");
    this.name = this.#options.name;
    this.metric = this.#options.metric;
    this.embedder = this.#options.embedder;
    this.#embedding = {
      embedder: this.embedder,
      passageText: this.#options.passageText ?? defaultPassageText,
      embedBatchSize: this.#options.embedBatchSize,
    };
    this.#store =
      store ??
      new VectorStore(
        this.embedder.dimension,
        this.metric,
        this.#options.initialCapacity,
        int8SearchOf(this.#options),
      );
    if (this.#options.backend === "hnsw") {
      this.#graph = graph;
      if (this.#graph === undefined) {
        this.#graph = new HnswGraph(this.dimension, this.metric, this.#options.hnsw);
        this.#graph.addAll(this.#store.ids, this.#store.vectors);
      }
    }
  }

  get dimension(): number {
    return this.#store.dimension;
  }

  /**
   * Writes the index to a file (atomically); `loadVectorIndex(path, { embedder })` reads it.
   * With `storeDocuments: false` only the ids are written, and loading needs `{ documents }`
   * (the shared document store of a collection). With the HNSW backend the graph is saved
   * beside it (`<path>.<token>.hnsw`), so loading does not rebuild it. Upserts and deletes
   * issued meanwhile wait until the save is done.
   */
  async save(path: string, options: { readonly storeDocuments?: boolean } = {}): Promise<void> {
    // Checked right before acting, with no await in between: the save that ran may be
    // followed by another before this continuation runs.
    while (this.#saving) await this.#saving;
    const saving = this.#write(path, options.storeDocuments ?? true);
    const marker = saving.then(
      () => undefined,
      () => undefined,
    );
    this.#saving = marker;
    try {
      await saving;
    } finally {
      if (this.#saving === marker) this.#saving = undefined;
    }
  }

  async #write(path: string, storeDocuments: boolean): Promise<void> {
    let graph: VectorIndexFileContent["graph"];
    if (this.#graph) {
      const { connectivity, expansionAdd, vectorType } = this.#options.hnsw;
      const saved = await saveGraphBeside(path, this.#graph);
      graph = {
        saved: { ...saved, connectivity, expansionAdd, vectorType },
        keys: this.#graph.keysOf(this.#store.ids),
      };
    }
    try {
      await writeVectorIndexFile(path, {
        storeDocuments,
        name: this.name,
        embedderName: this.embedder.name,
        metric: this.metric,
        store: this.#store,
        ...(graph ? { graph } : {}),
      });
    } catch (error) {
      // The index file on disk still names the graph of the previous save: keep that one.
      if (graph) await removeGraph(path, graph.saved.file);
      throw error;
    }
    await removeOtherGraphs(path, graph?.saved.file);
  }

  async upsert(documents: readonly Document[], options?: WriteOptions): Promise<WriteReport> {
    throwIfAborted(options?.signal, `${this.name} upsert`);
    const { valid, failed: invalid } = validateDocuments(documents);
    const failed: ItemFailure[] = [...invalid];
    const skipped: ItemSkip[] = [];
    const started = performance.now();
    const batchSize = this.#options.embedBatchSize;
    let succeeded = 0;
    // Batches are embedded a few ahead of the one being stored, so an embedder that runs
    // calls in parallel (a worker pool) never waits for this loop; they are stored in order,
    // each with its progress event, and an abort leaves whole batches written.
    const ahead: Array<ReturnType<typeof embedPassages>> = [];
    const embedAt = (start: number) => {
      if (start >= valid.length) return;
      const embedding = embedPassages(
        valid.slice(start, start + batchSize),
        this.#embedding,
        this.name,
        options?.signal,
      );
      embedding.catch(() => {}); // awaited in order below; not an unhandled rejection meanwhile
      ahead.push(embedding);
    };
    for (let step = 0; step < embedAhead; step++) embedAt(step * batchSize);
    for (let start = 0; start < valid.length; start += batchSize) {
      const embedding = ahead.shift();
      if (embedding === undefined) break;
      const { embedded, failed: notEmbedded, skipped: imageOnly } = await embedding;
      embedAt(start + embedAhead * batchSize);
      failed.push(...notEmbedded);
      skipped.push(...imageOnly);
      while (this.#saving) await this.#saving;
      // An image-only version replaces a text one: the old vector must not stay searchable.
      for (const { id } of imageOnly) {
        this.#graph?.remove(id);
        this.#store.delete(id);
      }
      const added: string[] = [];
      const addedVectors: Float32Array[] = [];
      for (const { document, vector } of embedded) {
        const stored =
          this.metric === "cosine" ? normalizeInPlace(Float32Array.from(vector)) : vector;
        this.#store.set(document.id, stored, document);
        if (this.#graph) {
          added.push(document.id);
          addedVectors.push(stored);
        }
        succeeded++;
      }
      if (this.#graph) this.#graph.addAll(added, concatenate(addedVectors, this.dimension));
      this.events.emit("index-progress", {
        index: this.name,
        done: Math.min(start + batchSize, valid.length),
        total: valid.length,
        failed: failed.length,
        elapsedMs: performance.now() - started,
      });
    }
    failed.sort((a, b) => a.index - b.index);
    return skipped.length > 0 ? { succeeded, failed, skipped } : { succeeded, failed };
  }

  async delete(ids: readonly string[], options?: WriteOptions): Promise<WriteReport> {
    validateDeleteCall(this.name, ids, options);
    while (this.#saving) await this.#saving;
    const succeeded = ids.filter((id) => {
      this.#graph?.remove(id);
      return this.#store.delete(id);
    }).length;
    return { succeeded, failed: [] };
  }

  async count(): Promise<number> {
    return this.#store.size;
  }

  async retrieve(query: string, options: RetrieveOptions): Promise<Hit[]> {
    const parsed = validateRetrieveCall(this.name, query, options);
    if (isBlankQuery(query) || this.#store.size === 0) return [];
    let vectors: Float32Array[];
    try {
      vectors = await this.embedder.embedQueries([query], {
        ...(parsed.signal ? { signal: parsed.signal } : {}),
      });
    } catch (error) {
      throw toHybridRagError(error, `${this.name}: embedding the query failed`);
    }
    throwIfAborted(parsed.signal, `${this.name} retrieve`);
    const vector = vectors[0];
    const problem =
      vector === undefined ? "the embedder returned no vector" : this.#vectorProblem(vector);
    if (problem || vector === undefined) {
      throw new HybridRagError("internal", `${this.name}: query embedding rejected: ${problem}.`);
    }
    return this.searchByVector(vector, parsed);
  }

  /** Exact search with a vector you already have (no embedder call). */
  searchByVector(vector: Float32Array, options: VectorSearchOptions): Hit[] {
    const problem = this.#vectorProblem(vector);
    if (problem) throw new HybridRagError("invalid-argument", `${this.name}: ${problem}.`);
    const query = this.metric === "cosine" ? normalizeInPlace(Float32Array.from(vector)) : vector;
    const candidates = this.#graph
      ? this.#graphCandidates(this.#graph, query, options)
      : options.filter
        ? this.#slotsMatching(options.filter)
        : undefined;
    const best = this.#store.search(query, options.topK, candidates);
    const includeDocuments = options.includeDocuments ?? true;
    const payloads = this.#store.payloads;
    return best.map(({ score, slot }, position) => {
      const document = payloads[slot]!;
      return {
        id: document.id,
        score,
        rank: position + 1,
        ...(includeDocuments ? { document } : {}),
        sources: { [this.name]: { status: "found", rank: position + 1, score } },
      };
    });
  }

  /**
   * The slots to score exactly with the HNSW backend. Without a filter: the graph's
   * `candidates` nearest. With a filter matching at most an eighth of the documents: all its
   * matches (exact pre-filtering, which costs at most an eighth of a scan). A broader filter:
   * post-filtering the graph's results, asking for more until `candidates` matches are found
   * (or the whole graph was asked).
   */
  #graphCandidates(
    graph: HnswGraph,
    query: Float32Array,
    options: VectorSearchOptions,
  ): Int32Array {
    const want = Math.max(options.topK, this.#options.hnsw.candidates);
    const size = this.#store.size;
    const matching = options.filter ? this.#slotsMatching(options.filter) : undefined;
    if (matching && matching.length * 8 <= size) return matching;
    const accepted = matching ? new Uint8Array(size) : undefined;
    if (matching && accepted) for (const slot of matching) accepted[slot] = 1;
    let asked = matching ? Math.ceil((want * size) / Math.max(1, matching.length)) : want;
    for (;;) {
      const slots: number[] = [];
      for (const id of graph.search(query, asked)) {
        const slot = this.#store.slotOf(id);
        if (slot !== undefined && (!accepted || accepted[slot] === 1)) slots.push(slot);
      }
      if (slots.length >= want || asked >= size) return Int32Array.from(slots);
      asked = Math.min(size, asked * 2);
    }
  }

  #slotsMatching(filter: MetadataFilter): Int32Array {
    const payloads = this.#store.payloads;
    const slots = new Int32Array(payloads.length);
    let count = 0;
    for (let slot = 0; slot < payloads.length; slot++) {
      if (matchesMetadataFilter(payloads[slot]!.metadata, filter)) slots[count++] = slot;
    }
    return slots.subarray(0, count);
  }

  #vectorProblem(vector: Float32Array): string | undefined {
    return vectorProblem(vector, this.dimension);
  }
}

function concatenate(vectors: readonly Float32Array[], dimension: number): Float32Array {
  const all = new Float32Array(vectors.length * dimension);
  vectors.forEach((vector, row) => {
    all.set(vector, row * dimension);
  });
  return all;
}

/** The store's int8 settings for these options (undefined: exact float32 only). */
export function int8SearchOf(options: {
  quantization?: "none" | "int8";
  rescoreCandidates?: number;
}): Int8Search | undefined {
  return options.quantization === "int8"
    ? { rescoreCandidates: options.rescoreCandidates ?? 100 }
    : undefined;
}

/** Creates an empty embedded dense index. */
export function createVectorIndex(options: VectorIndexOptions): VectorIndex {
  return new VectorIndex(options);
}
