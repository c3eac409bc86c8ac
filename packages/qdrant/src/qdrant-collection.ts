import { type Embedder, HybridRagError } from "@hybrid-rag/core";
import type { QdrantClient } from "@qdrant/js-client-rest";
import { abortable, callQdrant, toQdrantError } from "./qdrant-error.ts";
import {
  denseVectorName,
  qdrantDistance,
  type ResolvedQdrantIndexOptions,
  sparseVectorName,
} from "./qdrant-options.ts";

/** What collection management needs to know about one index. */
export interface CollectionContext {
  readonly client: QdrantClient;
  readonly collection: string;
  readonly embedder: Embedder;
  readonly metric: ResolvedQdrantIndexOptions["metric"];
  readonly hnsw: ResolvedQdrantIndexOptions["hnsw"];
  readonly quantization: ResolvedQdrantIndexOptions["quantization"];
  /** The collection also holds a sparse vector (named dense + sparse vectors). */
  readonly sparse: boolean;
}

export async function collectionExists(
  context: CollectionContext,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const { client, collection } = context;
  const result = await callQdrant(
    () => client.collectionExists(collection),
    `checking collection ${collection}`,
    signal,
  );
  return result.exists;
}

/**
 * Creates the collection (dimension and distance from the embedder) unless it exists; an
 * existing collection with another dimension is an error rather than a silent mismatch.
 */
export async function createCollectionIfMissing(
  context: CollectionContext,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { client, collection, embedder, hnsw, quantization, metric, sparse } = context;
  const dimension = embedder.dimension;
  if (await collectionExists(context, signal)) {
    const info = await callQdrant(
      () => client.getCollection(collection),
      `reading collection ${collection}`,
      signal,
    );
    const configured = info.config.params.vectors as
      | { size?: number; [name: string]: unknown }
      | undefined;
    const vectors = (sparse ? configured?.[denseVectorName] : configured) as
      | { size?: number }
      | undefined;
    if (vectors?.size !== undefined && vectors.size !== dimension) {
      throw new HybridRagError(
        "invalid-argument",
        `Qdrant collection ${collection} holds ${vectors.size}-dimensional vectors but embedder ${embedder.name} returns ${dimension}. Use another collection name or drop it.`,
      );
    }
    return;
  }
  try {
    await abortable(
      client.createCollection(collection, {
        ...(sparse
          ? {
              vectors: {
                [denseVectorName]: { size: dimension, distance: qdrantDistance[metric] },
              },
              sparse_vectors: { [sparseVectorName]: { modifier: "idf" as const } },
            }
          : { vectors: { size: dimension, distance: qdrantDistance[metric] } }),
        ...(hnsw ? { hnsw_config: hnsw } : {}),
        ...(quantization ? { quantization_config: quantization } : {}),
      }),
      signal,
      `creating collection ${collection}`,
    );
  } catch (error) {
    const failure = toQdrantError(error, `creating collection ${collection}`, signal);
    // Created by another writer in the meantime: fine.
    if (failure.code === "already-exists" || /already exists/.test(failure.message)) return;
    throw failure;
  }
}
