import {
  type Document,
  type DocumentIndex,
  type Embedder,
  type EmitsEvents,
  type Hit,
  HybridRagEmitter,
  HybridRagError,
  type ItemFailure,
  imageOnlyFailures,
  isBlankQuery,
  parseWithSchema,
  type RetrieveOptions,
  type Retriever,
  titleAndText,
  validateDeleteCall,
  validateDocuments,
  validateRetrieveCall,
  type WriteOptions,
  type WriteReport,
} from "@hybrid-rag/core";
import {
  embedPassages,
  type PassageEmbedding,
  sleepBeforeRetry,
  throwIfAborted,
  vectorProblem,
} from "@hybrid-rag/core/internal";
import { QdrantClient } from "@qdrant/js-client-rest";
import { pointIdFor } from "./point-id.ts";
import {
  type CollectionContext,
  collectionExists,
  createCollectionIfMissing,
} from "./qdrant-collection.ts";
import { abortable, callQdrant, toQdrantError } from "./qdrant-error.ts";
import { toQdrantFilter } from "./qdrant-filter.ts";
import {
  denseVectorName,
  type QdrantIndexOptions,
  qdrantIndexOptionsSchema,
  type ResolvedQdrantIndexOptions,
  sparseVectorName,
} from "./qdrant-options.ts";
import { payloadFor, pointsToHits } from "./qdrant-payload.ts";
import type { SparseEncoder } from "./sparse-encoder.ts";

type Valid = { readonly document: Document; readonly index: number };

/**
 * A dense retriever and document index on one Qdrant collection (one unnamed vector per
 * point). Document ids become deterministic UUIDs; the document rides in the payload.
 */
export class QdrantIndex implements Retriever, DocumentIndex, EmitsEvents {
  readonly name: string;
  readonly collection: string;
  readonly client: QdrantClient;
  readonly embedder: Embedder;
  readonly events = new HybridRagEmitter();
  readonly #options: ResolvedQdrantIndexOptions;
  readonly #embedding: PassageEmbedding;
  #ensured: Promise<void> | undefined;

  constructor(options: QdrantIndexOptions) {
    this.#options = parseWithSchema(qdrantIndexOptionsSchema, options, "Qdrant index options");
    const { client, url, apiKey, timeoutMs } = this.#options;
    if (client === undefined && url === undefined) {
      throw new HybridRagError(
        "invalid-argument",
        "Qdrant index options: give either `client` (a QdrantClient) or `url` (e.g. http://localhost:6333).",
      );
    }
    this.name = this.#options.name;
    this.collection = this.#options.collection;
    this.embedder = this.#options.embedder;
    this.#embedding = {
      embedder: this.embedder,
      passageText: this.#options.passageText ?? titleAndText,
      embedBatchSize: this.#options.embedBatchSize,
    };
    this.client =
      client ??
      new QdrantClient({
        url: url!,
        ...(apiKey ? { apiKey } : {}),
        timeout: timeoutMs,
        checkCompatibility: false,
      });
  }

  /** Creates the collection (dimension and distance from the embedder) unless it exists. */
  async ensureCollection(signal?: AbortSignal): Promise<void> {
    this.#ensured ??= createCollectionIfMissing(this.#collectionContext(), signal).catch(
      (error: unknown) => {
        this.#ensured = undefined;
        throw error;
      },
    );
    return this.#ensured;
  }

  /** The sparse encoder, when the collection has sparse vectors (the `sparse` option). */
  get sparseEncoder(): SparseEncoder | undefined {
    return this.#options.sparse?.encoder;
  }

  /** Options the hybrid retriever needs: metric and search parameters. */
  get metric() {
    return this.#options.metric;
  }

  /** Deletes the collection and its points. */
  async drop(signal?: AbortSignal): Promise<void> {
    try {
      await callQdrant(
        () => this.client.deleteCollection(this.collection),
        `deleting collection ${this.collection}`,
        signal,
      );
    } catch (error) {
      if (!(HybridRagError.isInstance(error) && error.code === "not-found")) throw error;
    }
    this.#ensured = undefined;
  }

  async upsert(documents: readonly Document[], options?: WriteOptions): Promise<WriteReport> {
    const signal = options?.signal;
    throwIfAborted(signal, `${this.name} upsert`);
    const { valid, failed: invalid } = validateDocuments(documents);
    const failed: ItemFailure[] = [...invalid];
    if (valid.length === 0) return { succeeded: 0, failed };
    await this.ensureCollection(signal);
    const batches: Valid[][] = [];
    for (let start = 0; start < valid.length; start += this.#options.batchSize) {
      batches.push(valid.slice(start, start + this.#options.batchSize));
    }
    const started = performance.now();
    let succeeded = 0;
    let done = 0;
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        // Not `succeeded += await …`: that reads `succeeded` before the await and loses the
        // other workers' counts.
        const written = await this.#writeBatch(batch, failed, signal);
        succeeded += written;
        done += batch.length;
        this.events.emit("index-progress", {
          index: this.name,
          done,
          total: valid.length,
          failed: failed.length,
          elapsedMs: performance.now() - started,
        });
      }
    };
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(this.#options.concurrency, batches.length) }, worker),
    );
    const rejection = results.find((result) => result.status === "rejected");
    if (rejection) throw (rejection as PromiseRejectedResult).reason;
    failed.sort((a, b) => a.index - b.index);
    return { succeeded, failed };
  }

  async delete(ids: readonly string[], options?: WriteOptions): Promise<WriteReport> {
    const signal = validateDeleteCall(this.name, ids, options);
    if (ids.length === 0 || !(await collectionExists(this.#collectionContext(), signal)))
      return { succeeded: 0, failed: [] };
    const pointIds = [...new Set(ids.map(pointIdFor))];
    // Qdrant's delete does not say which points existed: look them up first, so the count is honest.
    const existing = await callQdrant(
      () =>
        this.client.retrieve(this.collection, {
          ids: pointIds,
          with_payload: false,
          with_vector: false,
        }),
      `${this.name} delete (lookup)`,
      signal,
    );
    if (existing.length === 0) return { succeeded: 0, failed: [] };
    await callQdrant(
      () =>
        this.client.delete(this.collection, {
          wait: true,
          points: existing.map((point) => point.id),
        }),
      `${this.name} delete`,
      signal,
    );
    return { succeeded: existing.length, failed: [] };
  }

  async count(): Promise<number> {
    if (!(await collectionExists(this.#collectionContext(), undefined))) return 0;
    const result = await callQdrant(
      () => this.client.count(this.collection, { exact: true }),
      `${this.name} count`,
    );
    return result.count;
  }

  /**
   * Embeds one query with this collection's embedder and checks the vector (dimension, finite
   * components); `caller` names the retriever in errors (the index or its hybrid retriever).
   */
  async embedQuery(
    query: string,
    signal: AbortSignal | undefined,
    caller: string = this.name,
  ): Promise<Float32Array> {
    const [vector] = await callQdrant(
      () => this.embedder.embedQueries([query], signal ? { signal } : undefined),
      `${caller}: embedding the query`,
      signal,
    );
    const problem = this.#vectorProblem(vector);
    if (problem) {
      throw new HybridRagError("internal", `${caller}: query embedding rejected: ${problem}.`);
    }
    return vector!;
  }

  async retrieve(query: string, options: RetrieveOptions): Promise<Hit[]> {
    const { topK, filter, includeDocuments, signal } = validateRetrieveCall(
      this.name,
      query,
      options,
    );
    if (isBlankQuery(query)) return [];
    const qdrantFilter = toQdrantFilter(filter);
    const vector = await this.embedQuery(query, signal);
    const { search } = this.#options;
    let points: Array<{
      id: string | number;
      score: number;
      payload?: Record<string, unknown> | null;
    }>;
    try {
      const response = await abortable(
        this.client.query(this.collection, {
          query: Array.from(vector!),
          ...(this.#options.sparse ? { using: denseVectorName } : {}),
          limit: topK,
          with_payload: includeDocuments ? true : ["id"],
          with_vector: false,
          ...(qdrantFilter ? { filter: qdrantFilter } : {}),
          ...(search.hnswEf !== undefined || search.exact !== undefined
            ? {
                params: {
                  ...(search.hnswEf ? { hnsw_ef: search.hnswEf } : {}),
                  ...(search.exact ? { exact: true } : {}),
                },
              }
            : {}),
        }),
        signal,
        `${this.name} search`,
      );
      points = response.points;
    } catch (error) {
      const failure = toQdrantError(error, `${this.name} search in ${this.collection}`, signal);
      // A collection that does not exist yet is an empty one, as for the embedded engines.
      if (failure.code === "not-found") return [];
      throw failure;
    }
    // Qdrant's Euclid score is a distance (smaller is closer): negate so higher is better everywhere.
    return pointsToHits(
      points,
      this.name,
      includeDocuments,
      this.#options.metric === "l2" ? -1 : 1,
    );
  }

  /**
   * Embeds one batch (`embedPassages`: the path every vector store shares) and upserts its
   * points with retries; reports every point of the batch that could not be written.
   */
  async #writeBatch(
    batch: readonly Valid[],
    failed: ItemFailure[],
    signal: AbortSignal | undefined,
  ): Promise<number> {
    const {
      embedded,
      failed: notEmbedded,
      skipped,
    } = await embedPassages(batch, this.#embedding, this.name, signal);
    failed.push(...notEmbedded, ...imageOnlyFailures(skipped));
    const sparse = this.#options.sparse?.encoder;
    const passageText = this.#embedding.passageText;
    const points = embedded.map(({ document, vector }) => ({
      id: pointIdFor(document.id),
      vector: sparse
        ? {
            [denseVectorName]: Array.from(vector),
            [sparseVectorName]: sparse.encodeDocument(passageText(document)),
          }
        : Array.from(vector),
      payload: payloadFor(document),
    }));
    if (points.length === 0) return 0;
    const what = `${this.name} upsert of ${points.length} points into ${this.collection}`;
    const { maxRetries, initialBackoffMs, maxBackoffMs } = this.#options;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0)
        await sleepBeforeRetry(attempt, initialBackoffMs, maxBackoffMs, signal, what);
      try {
        await abortable(this.client.upsert(this.collection, { wait: true, points }), signal, what);
        return points.length;
      } catch (error) {
        const failure = toQdrantError(error, what, signal);
        if (failure.code === "aborted" || signal?.aborted) throw failure;
        if (failure.isRetryable && attempt < maxRetries) continue;
        const written = new Set(points.map((point) => point.id));
        for (const { document, index } of batch) {
          if (written.has(pointIdFor(document.id)))
            failed.push({ id: document.id, index, error: failure });
        }
        return 0;
      }
    }
  }

  #collectionContext(): CollectionContext {
    const { client, collection, embedder } = this;
    const { hnsw, quantization, metric, sparse } = this.#options;
    return { client, collection, embedder, hnsw, quantization, metric, sparse: Boolean(sparse) };
  }

  #vectorProblem(vector: Float32Array | undefined): string | undefined {
    return vectorProblem(vector, this.embedder.dimension);
  }
}

/** Creates an adapter for one Qdrant collection (created on first write). */
export function createQdrantIndex(options: QdrantIndexOptions): QdrantIndex {
  return new QdrantIndex(options);
}
