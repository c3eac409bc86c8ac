import { openServedCollection } from "@hybrid-rag/cli";
import type { Reranker } from "@hybrid-rag/core";
import { parsePipelineSpec } from "@hybrid-rag/pipeline";
import { collectionImages } from "./collection-images.ts";
import type { DemoConfig } from "./demo-config.ts";
import type { DemoComponents, StageOff } from "./demo-engine.ts";
import { exampleQueries, storedTitles } from "./example-queries.ts";
import { buildFusion } from "./fusion-stage.ts";
import { buildRerankStage } from "./rerank-stage.ts";

/** The opened collection's components, and what the page says about it. */
export interface CollectionComponents extends DemoComponents {
  readonly corpus: { readonly documents: number; readonly chunks: number };
}

/**
 * Opens a collection directory built by `hybrid-rag ingest` (or by the demo into its cache) the
 * way `hybrid-rag search` opens it (`openServedCollection`): the BM25 index with the analyzer
 * its manifest records, the vector index with the embedder it was built with (or none:
 * BM25-only), nothing re-embedded. Its two indexes are the page's sparse and dense stages; the
 * fusion (RRF, k = 60, as the CLI's) and the reranker come from the demo's configuration. Its
 * stored images (PDF page images) are the hits' thumbnails, and a VLM reranker's page images.
 */
export async function openCollectionComponents(
  directory: string,
  config: DemoConfig,
  options: { readonly modelFromManifest?: boolean } = {},
): Promise<CollectionComponents> {
  // The collection's own model, unless EMBEDDING_MODEL_PATH names one (refused if it differs).
  const modelGiven = options.modelFromManifest !== true && config.embeddingModelPath !== undefined;
  const served = await openServedCollection(directory, {
    spec: parsePipelineSpec(
      {
        version: 1,
        ...(modelGiven && config.embeddingModelPath
          ? { embedder: { model: config.embeddingModelPath } }
          : {}),
        executionProvider: config.executionProvider,
      },
      "the demo's collection settings",
    ),
    chosen: new Set(modelGiven ? (["embedder.model"] as const) : []),
  });
  try {
    const { collection } = served;
    const reranked = await buildRerankStage(config, collection.images);
    const { fusion, description: fused } = buildFusion(config.fusion);
    const { sparse, dense, embedder } = collection;
    const off: { dense?: StageOff; reranked?: StageOff } = {};
    if (!dense) {
      off.dense = {
        reason: `${directory} is a BM25-only collection (ingested with --embedding-model none)`,
        howToEnable: `hybrid-rag ingest <folder> --into ${directory} --embedding-model use-lite (or a model folder)`,
      };
    }
    if ("off" in reranked) off.reranked = reranked.off;
    return {
      sparse,
      ...(dense ? { dense } : {}),
      ...("component" in reranked ? { reranker: reranked.component as Reranker } : {}),
      fusion,
      indexes: [],
      images: collectionImages(collection),
      analyzer: sparse.analyzer,
      examples: exampleQueries(storedTitles(collection.store)),
      corpus: { documents: collection.store.parentCount, chunks: collection.store.chunkCount },
      descriptions: {
        sparse: `BM25 (embedded, ${sparse.analyzer.name} analyzer as the collection's manifest records, k1 = ${sparse.k1}, b = ${sparse.b})`,
        dense:
          dense && embedder
            ? `${dense.metric}, embedded (${embedder.name}, ${embedder.dimension} dimensions, as the collection was built)`
            : "dense retrieval with a bi-encoder",
        fused,
        reranked: reranked.description,
      },
      off,
      async close() {
        if ("close" in reranked) await reranked.close?.();
        await served.release();
      },
    };
  } catch (error) {
    await served.release();
    throw error;
  }
}
