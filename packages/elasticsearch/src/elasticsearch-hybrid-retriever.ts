import {
  type Hit,
  HybridRagError,
  isBlankQuery,
  type MetadataFilter,
  parseWithSchema,
  type RetrieveOptions,
  type Retriever,
  toHybridRagError,
  validateRetrieveCall,
} from "@hybrid-rag/core";
import { z } from "zod";
import { checkedVector } from "./dense-vector-checks.ts";
import { toElasticsearchError } from "./elasticsearch-error.ts";
import type { ElasticsearchIndex } from "./elasticsearch-index.ts";
import { vectorField } from "./index-definition.ts";
import { lexicalQuery } from "./lexical-query.ts";
import { metadataFilterClauses } from "./metadata-filter-query.ts";
import { parseSearchResponse } from "./search-response.ts";

/**
 * Our fusion options mapped onto Elasticsearch's retrievers:
 * - `rrf`: Σ 1 / (k + rank) over the BM25 and kNN lists, 1-based ranks — the same formula
 *   and the same `k` as `reciprocalRankFusion` in @hybrid-rag/fusion;
 * - `linear`: Σ weight × normalised score, `minmax` / `l2_norm` / `none` normalisers.
 */
export const hybridOptionsSchema = z.strictObject({
  name: z.string().min(1).default("elasticsearch-hybrid"),
  fusion: z
    .discriminatedUnion("method", [
      z.strictObject({ method: z.literal("rrf"), k: z.number().int().min(1).default(60) }),
      z.strictObject({
        method: z.literal("linear"),
        normalizer: z.enum(["minmax", "l2_norm", "none"]).default("minmax"),
        weights: z
          .strictObject({ bm25: z.number().min(0).default(1), dense: z.number().min(0).default(1) })
          .default({ bm25: 1, dense: 1 }),
      }),
    ])
    .default({ method: "rrf", k: 60 }),
  /** How many hits of each list take part in the fusion (at least topK). */
  rankWindow: z.number().int().min(1).max(10_000).default(100),
  /** kNN candidates examined per shard (HNSW beam); at least the rank window. */
  numCandidates: z.number().int().min(1).max(10_000).optional(),
});

export type HybridOptions = z.input<typeof hybridOptionsSchema>;

/**
 * Server-side hybrid search: BM25 and kNN fused by Elasticsearch in one request. Needs an index
 * created with the `dense` option. Elasticsearch's `rrf` and `linear` retrievers are not part
 * of the free basic licence (Enterprise or trial only): on a basic cluster the request fails
 * with `permission-denied`. Client-side fusion (@hybrid-rag/fusion) works everywhere and
 * stays the default.
 */
export class ElasticsearchHybridRetriever implements Retriever {
  readonly name: string;
  readonly #index: ElasticsearchIndex;
  readonly #options: z.output<typeof hybridOptionsSchema>;

  constructor(index: ElasticsearchIndex, options: HybridOptions = {}) {
    if (!index.dense) {
      throw new HybridRagError(
        "invalid-argument",
        `Elasticsearch index ${index.index} has no dense vectors: create it with the \`dense: { embedder }\` option to use server-side hybrid search.`,
      );
    }
    this.#index = index;
    this.#options = parseWithSchema(hybridOptionsSchema, options, "Elasticsearch hybrid options");
    this.name = this.#options.name;
  }

  async retrieve(query: string, options: RetrieveOptions): Promise<Hit[]> {
    const { topK, filter, includeDocuments, signal } = validateRetrieveCall(
      this.name,
      query,
      options,
    );
    if (isBlankQuery(query)) return [];
    const embedder = this.#index.dense!.embedder;
    let vector: Float32Array | undefined;
    try {
      [vector] = await embedder.embedQueries([query], signal ? { signal } : undefined);
    } catch (error) {
      throw toHybridRagError(error, `${this.name}: embedding the query with ${embedder.name}`);
    }
    if (!(vector instanceof Float32Array) || vector.length !== embedder.dimension) {
      throw new HybridRagError(
        "internal",
        `${this.name}: ${embedder.name} returned no usable query vector.`,
      );
    }
    vector = checkedVector(vector, this.#index.dense!, `${this.name}: the query vector`);
    if (filter) await this.#index.checkFilter(filter, signal);
    const rankWindow = Math.max(this.#options.rankWindow, topK);
    let body: unknown;
    try {
      body = await this.#index.client.search(
        {
          index: this.#index.index,
          size: topK,
          track_total_hits: false,
          retriever: this.#retriever(query, Array.from(vector), filter, rankWindow) as never,
          _source: includeDocuments ? ["id", "title", "text", "metadata"] : false,
        },
        this.#index.requestOptions(signal),
      );
    } catch (error) {
      const failure = toElasticsearchError(
        error,
        `${this.name} search in ${this.#index.index}`,
        signal,
      );
      if (failure.code === "not-found" && /index_not_found/.test(failure.message)) return [];
      if (failure.code === "permission-denied" || /license/i.test(failure.message)) {
        throw new HybridRagError(
          "permission-denied",
          `${failure.message} Elasticsearch's ${this.#options.fusion.method} retriever needs an Enterprise or trial licence; fuse client-side with @hybrid-rag/fusion instead.`,
          {
            cause: failure,
            ...(failure.statusCode === undefined ? {} : { statusCode: failure.statusCode }),
          },
        );
      }
      throw failure;
    }
    const method = `elasticsearch-${this.#options.fusion.method}`;
    return parseSearchResponse(body).map((hit, position) => ({
      id: hit.id,
      score: hit.score,
      rank: position + 1,
      ...(includeDocuments && hit.document ? { document: hit.document } : {}),
      sources: { [this.name]: { status: "found", rank: position + 1, score: hit.score } },
      fusion: { method, score: hit.score },
    }));
  }

  #retriever(
    query: string,
    vector: number[],
    filter: MetadataFilter | undefined,
    rankWindow: number,
  ) {
    const standard = { standard: { query: lexicalQuery(query, filter) } };
    const knn = {
      knn: {
        field: vectorField,
        query_vector: vector,
        k: rankWindow,
        num_candidates: Math.max(this.#options.numCandidates ?? rankWindow, rankWindow),
        ...(filter ? { filter: { bool: { filter: metadataFilterClauses(filter) } } } : {}),
      },
    };
    const { fusion } = this.#options;
    if (fusion.method === "rrf") {
      return {
        rrf: { retrievers: [standard, knn], rank_constant: fusion.k, rank_window_size: rankWindow },
      };
    }
    return {
      linear: {
        retrievers: [
          { retriever: standard, weight: fusion.weights.bm25, normalizer: fusion.normalizer },
          { retriever: knn, weight: fusion.weights.dense, normalizer: fusion.normalizer },
        ],
        rank_window_size: rankWindow,
      },
    };
  }
}

/** Creates a server-side hybrid retriever on an index created with the `dense` option. */
export function createElasticsearchHybridRetriever(
  index: ElasticsearchIndex,
  options?: HybridOptions,
): ElasticsearchHybridRetriever {
  return new ElasticsearchHybridRetriever(index, options);
}
