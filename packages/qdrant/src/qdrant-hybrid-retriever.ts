import {
  type Hit,
  HybridRagError,
  isBlankQuery,
  parseWithSchema,
  type RetrieveOptions,
  type Retriever,
  validateRetrieveCall,
} from "@hybrid-rag/core";
import { z } from "zod";
import { abortable, toQdrantError } from "./qdrant-error.ts";
import { toQdrantFilter } from "./qdrant-filter.ts";
import type { QdrantIndex } from "./qdrant-index.ts";
import { denseVectorName, sparseVectorName } from "./qdrant-options.ts";
import { pointsToHits } from "./qdrant-payload.ts";

/**
 * Our fusion options mapped onto Qdrant's query API (prefetch + fusion):
 * - `{ method: "rrf", k }`: our RRF is Σ 1 / (k + rank) with 1-based ranks; Qdrant's is
 *   Σ 1 / (k' + pos) with 0-based positions, so we send k' = k + 1 (`{ rrf: { k } }`,
 *   parametrised RRF of recent Qdrant versions). Without `k`, Qdrant's own default (k' = 2) applies.
 * - `{ method: "dbsf" }`: Qdrant's distribution-based score fusion (mean ± 3σ per list), the
 *   same method as `distributionBasedScoreFusion` in @hybrid-rag/fusion.
 */
export const qdrantHybridOptionsSchema = z.strictObject({
  name: z.string().min(1).default("qdrant-hybrid"),
  fusion: z
    .discriminatedUnion("method", [
      z.strictObject({ method: z.literal("rrf"), k: z.number().int().min(1).optional() }),
      z.strictObject({ method: z.literal("dbsf") }),
    ])
    .default({ method: "rrf", k: 60 }),
  /** Candidates each list contributes to the fusion (at least topK). */
  prefetchLimit: z.number().int().min(1).max(10_000).default(100),
});

export type QdrantHybridOptions = z.input<typeof qdrantHybridOptionsSchema>;

/**
 * Server-side hybrid search: the dense and the sparse (BM25) lists are fused by Qdrant in one
 * query. Needs a collection created with the `sparse` option. Client-side fusion
 * (@hybrid-rag/fusion over separate retrievers) stays the default.
 */
export class QdrantHybridRetriever implements Retriever {
  readonly name: string;
  readonly #index: QdrantIndex;
  readonly #options: z.output<typeof qdrantHybridOptionsSchema>;

  constructor(index: QdrantIndex, options: QdrantHybridOptions = {}) {
    if (!index.sparseEncoder) {
      throw new HybridRagError(
        "invalid-argument",
        `Qdrant collection ${index.collection} has no sparse vectors: create the index with the \`sparse: { encoder }\` option to use server-side hybrid search.`,
      );
    }
    this.#index = index;
    this.#options = parseWithSchema(qdrantHybridOptionsSchema, options, "Qdrant hybrid options");
    this.name = this.#options.name;
  }

  async retrieve(query: string, options: RetrieveOptions): Promise<Hit[]> {
    const { topK, filter, includeDocuments, signal } = validateRetrieveCall(
      this.name,
      query,
      options,
    );
    if (isBlankQuery(query)) return [];
    const qdrantFilter = toQdrantFilter(filter);
    const index = this.#index;
    const what = `${this.name} search in ${index.collection}`;
    const dense = await index.embedQuery(query, signal, this.name);
    const limit = Math.max(this.#options.prefetchLimit, topK);
    const withFilter = qdrantFilter ? { filter: qdrantFilter } : {};
    const { fusion } = this.#options;
    try {
      const response = await abortable(
        index.client.query(index.collection, {
          prefetch: [
            { query: Array.from(dense), using: denseVectorName, limit, ...withFilter },
            {
              query: index.sparseEncoder!.encodeQuery(query),
              using: sparseVectorName,
              limit,
              ...withFilter,
            },
          ],
          query:
            fusion.method === "dbsf"
              ? { fusion: "dbsf" }
              : fusion.k === undefined
                ? { fusion: "rrf" }
                : ({ rrf: { k: fusion.k + 1 } } as never),
          limit: topK,
          with_payload: includeDocuments ? true : ["id"],
          with_vector: false,
        }),
        signal,
        what,
      );
      return pointsToHits(
        response.points,
        this.name,
        includeDocuments,
        1,
        `qdrant-${fusion.method}`,
      );
    } catch (error) {
      const failure = toQdrantError(error, what, signal);
      if (failure.code === "not-found") return [];
      throw failure;
    }
  }
}

/** Creates a server-side hybrid retriever on a collection created with the `sparse` option. */
export function createQdrantHybridRetriever(
  index: QdrantIndex,
  options?: QdrantHybridOptions,
): QdrantHybridRetriever {
  return new QdrantHybridRetriever(index, options);
}
