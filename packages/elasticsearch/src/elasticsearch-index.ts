import { Client } from "@elastic/elasticsearch";
import {
  type Document,
  type DocumentIndex,
  type EmitsEvents,
  type Hit,
  HybridRagEmitter,
  HybridRagError,
  imageOnlyFailures,
  isBlankQuery,
  type MetadataFilter,
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
import { embedPassages, type PassageEmbedding, throwIfAborted } from "@hybrid-rag/core/internal";
import { type BulkAction, bulkAction } from "./bulk-batches.ts";
import { runBulk } from "./bulk-writer.ts";
import { checkedVector } from "./dense-vector-checks.ts";
import { toElasticsearchError } from "./elasticsearch-error.ts";
import {
  type ElasticsearchIndexOptions,
  elasticsearchIndexOptionsSchema,
  type ResolvedElasticsearchIndexOptions,
} from "./elasticsearch-options.ts";
import { contentField, indexDefinition, vectorField } from "./index-definition.ts";
import { lexicalQuery } from "./lexical-query.ts";
import { checkFilterTypes, filterPaths, MetadataFieldTypes } from "./metadata-field-types.ts";
import { parseSearchResponse } from "./search-response.ts";

/**
 * A BM25 retriever and document index backed by one Elasticsearch index whose settings mirror
 * the embedded BM25 (analyzer, k1, b, one shard), so both rank alike.
 */
export class ElasticsearchIndex implements Retriever, DocumentIndex, EmitsEvents {
  readonly name: string;
  readonly index: string;
  readonly client: Client;
  readonly events = new HybridRagEmitter();
  readonly #options: ResolvedElasticsearchIndexOptions;
  readonly #fieldTypes = new MetadataFieldTypes();
  /** How the dense field is filled (the `dense` option), through the path every store shares. */
  readonly #embedding: PassageEmbedding | undefined;
  #ensured: Promise<void> | undefined;

  constructor(options: ElasticsearchIndexOptions) {
    this.#options = parseWithSchema(
      elasticsearchIndexOptionsSchema,
      options,
      "Elasticsearch index options",
    );
    this.name = this.#options.name;
    this.index = this.#options.index;
    const { client, node } = this.#options;
    if (client === undefined && node === undefined) {
      throw new HybridRagError(
        "invalid-argument",
        "Elasticsearch index options: give either `client` (an @elastic/elasticsearch Client) or `node` (e.g. http://localhost:9200).",
      );
    }
    this.client = client ?? new Client({ node: node! });
    const dense = this.#options.dense;
    this.#embedding = dense && {
      embedder: dense.embedder,
      passageText: dense.passageText ?? titleAndText,
      embedBatchSize: dense.embedBatchSize,
      // Elasticsearch's own rules for the field's similarity, refused with a message saying what to do.
      checkVector: (vector, document) =>
        checkedVector(vector, dense, `The vector of document ${document.id}`),
    };
  }

  /** Creates the index with the mirrored settings unless it exists (safe to call repeatedly). */
  async ensureIndex(signal?: AbortSignal): Promise<void> {
    this.#ensured ??= this.#createIfMissing(signal).catch((error: unknown) => {
      this.#ensured = undefined;
      throw error;
    });
    return this.#ensured;
  }

  /** Deletes the index and everything in it. */
  async drop(signal?: AbortSignal): Promise<void> {
    try {
      await this.client.indices.delete(
        { index: this.index, ignore_unavailable: true },
        this.#request(signal),
      );
      this.#ensured = undefined;
      this.#fieldTypes.clear();
    } catch (error) {
      throw toElasticsearchError(error, `deleting Elasticsearch index ${this.index}`, signal);
    }
  }

  async upsert(documents: readonly Document[], options?: WriteOptions): Promise<WriteReport> {
    const signal = options?.signal;
    throwIfAborted(signal, `${this.name} upsert`);
    const { valid, failed: invalid } = validateDocuments(documents);
    // Vectors are embedded and checked first: a batch whose every vector is refused sends nothing.
    const {
      embedded,
      failed: notEmbedded,
      skipped,
    } = this.#embedding
      ? await embedPassages(valid, this.#embedding, this.name, signal)
      : {
          embedded: valid.map((item) => ({ ...item, vector: undefined })),
          failed: [],
          skipped: [],
        };
    if (embedded.length > 0 || valid.length === 0) await this.ensureIndex(signal);
    const actions = embedded.map(({ document, index, vector }) =>
      bulkAction(document.id, index, [
        { index: { _id: document.id } },
        { ...toSource(document), ...(vector ? { [vectorField]: Array.from(vector) } : {}) },
      ]),
    );
    const outcome = await this.#bulk(actions, signal);
    return {
      succeeded: outcome.succeeded,
      failed: [...invalid, ...notEmbedded, ...imageOnlyFailures(skipped), ...outcome.failed].sort(
        (a, b) => a.index - b.index,
      ),
    };
  }

  async delete(ids: readonly string[], options?: WriteOptions): Promise<WriteReport> {
    const signal = validateDeleteCall(this.name, ids, options);
    if (!(await this.#exists(signal))) return { succeeded: 0, failed: [] };
    const actions = ids.map((id, index) => bulkAction(id, index, [{ delete: { _id: id } }]));
    const outcome = await this.#bulk(actions, signal);
    return { succeeded: outcome.succeeded, failed: outcome.failed };
  }

  async count(): Promise<number> {
    try {
      const response = await this.client.count({ index: this.index }, this.#request());
      return response.count;
    } catch (error) {
      const failure = toElasticsearchError(error, `counting documents in ${this.index}`);
      if (failure.code === "not-found") return 0;
      throw failure;
    }
  }

  async retrieve(query: string, options: RetrieveOptions): Promise<Hit[]> {
    const { topK, filter, includeDocuments, signal } = validateRetrieveCall(
      this.name,
      query,
      options,
    );
    if (isBlankQuery(query)) return [];
    if (filter) await this.checkFilter(filter, signal);
    let body: unknown;
    try {
      body = await this.client.search(
        {
          index: this.index,
          search_type: this.#options.searchType,
          size: topK,
          track_total_hits: false,
          query: lexicalQuery(query, filter),
          _source: includeDocuments ? ["id", "title", "text", "metadata"] : false,
        },
        { ...this.#request(signal), maxRetries: this.#options.searchMaxRetries },
      );
    } catch (error) {
      const failure = toElasticsearchError(error, `${this.name} search in ${this.index}`, signal);
      // A missing index is an empty one, as for the embedded engines.
      if (failure.code === "not-found" && /index_not_found/.test(failure.message)) return [];
      throw failure;
    }
    return parseSearchResponse(body).map((hit, position) => ({
      id: hit.id,
      score: hit.score,
      rank: position + 1,
      ...(includeDocuments && hit.document ? { document: hit.document } : {}),
      sources: { [this.name]: { status: "found", rank: position + 1, score: hit.score } },
    }));
  }

  async #bulk(actions: readonly BulkAction[], signal: AbortSignal | undefined) {
    const started = performance.now();
    let done = 0;
    let failed = 0;
    const outcome = await runBulk(actions, {
      client: this.client,
      index: this.index,
      bulk: this.#options.bulk,
      requestTimeoutMs: this.#options.requestTimeoutMs,
      ...(signal ? { signal } : {}),
      onBatchSettled: (count, failedInBatch) => {
        done += count;
        failed += failedInBatch;
        this.events.emit("index-progress", {
          index: this.name,
          done,
          total: actions.length,
          failed,
          elapsedMs: performance.now() - started,
        });
      },
    });
    if (this.#options.refresh && actions.length > 0) await this.#refresh(signal);
    return outcome;
  }

  async #refresh(signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.client.indices.refresh({ index: this.index }, this.#request(signal));
    } catch (error) {
      throw toElasticsearchError(error, `refreshing ${this.index}`, signal);
    }
  }

  async #exists(signal: AbortSignal | undefined): Promise<boolean> {
    try {
      return await this.client.indices.exists({ index: this.index }, this.#request(signal));
    } catch (error) {
      throw toElasticsearchError(error, `checking Elasticsearch index ${this.index}`, signal);
    }
  }

  async #createIfMissing(signal: AbortSignal | undefined): Promise<void> {
    if (await this.#exists(signal)) return;
    try {
      await this.client.indices.create(
        { index: this.index, ...indexDefinition(this.#options) },
        this.#request(signal),
      );
    } catch (error) {
      const failure = toElasticsearchError(
        error,
        `creating Elasticsearch index ${this.index}`,
        signal,
      );
      // Another writer created it between our check and our create: that is fine.
      if (/resource_already_exists/.test(failure.message)) return;
      throw failure;
    }
  }

  /**
   * Checks a filter's values against the mapped types of its fields (one mapping request per
   * field not seen mapped before); throws `invalid-argument` naming the field and the fix.
   */
  async checkFilter(filter: MetadataFilter, signal?: AbortSignal): Promise<void> {
    const paths = filterPaths(filter);
    if (paths.length === 0) return;
    const types = await this.#fieldTypes.typesOf(
      this.client,
      this.index,
      paths,
      this.#request(signal),
    );
    checkFilterTypes(filter, types, this.index);
  }

  /** Whether the index stores dense vectors (the `dense` option). */
  get dense() {
    return this.#options.dense;
  }

  /** Options for one request: the configured timeout and the caller's signal. */
  requestOptions(signal?: AbortSignal) {
    return this.#request(signal);
  }

  #request(signal?: AbortSignal) {
    return { requestTimeout: this.#options.requestTimeoutMs, ...(signal ? { signal } : {}) };
  }
}

function toSource(document: Document) {
  return {
    id: document.id,
    text: document.text,
    ...(document.title === undefined ? {} : { title: document.title }),
    ...(document.metadata === undefined ? {} : { metadata: document.metadata }),
    [contentField]: titleAndText(document),
  };
}

/** Creates an adapter for one Elasticsearch index (the index itself is created on first write). */
export function createElasticsearchIndex(options: ElasticsearchIndexOptions): ElasticsearchIndex {
  return new ElasticsearchIndex(options);
}
