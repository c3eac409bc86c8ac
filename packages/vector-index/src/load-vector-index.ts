import { type DocumentLookup, HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { HnswGraph } from "./hnsw-graph.ts";
import { checkedGraphPath } from "./hnsw-graph-file.ts";
import type { VectorMetric } from "./metric.ts";
import { int8SearchOf, VectorIndex } from "./vector-index.ts";
import { readVectorIndexFile, type VectorIndexFileData } from "./vector-index-file.ts";
import {
  type ResolvedVectorIndexOptions,
  type VectorIndexOptions,
  vectorIndexOptionsSchema,
} from "./vector-index-options.ts";

export type LoadVectorIndexOptions = Omit<VectorIndexOptions, "metric" | "initialCapacity"> & {
  /** When given, must equal the file's metric. */
  readonly metric?: VectorMetric;
  /** Required when the file was saved with `storeDocuments: false`: where its documents are. */
  readonly documents?: DocumentLookup;
};

/**
 * Loads a file written by `vectorIndex.save(path)`. The file is fully checked, and must match
 * the embedder (dimension and name), before an index is built: a bad file yields a clear error,
 * never a half-loaded index. With `backend: "hnsw"`, the graph saved beside the file is read
 * back (after checking it is the one saved with it) when its build settings match the options;
 * otherwise the graph is rebuilt from the vectors.
 */
export async function loadVectorIndex(
  path: string,
  options: LoadVectorIndexOptions,
): Promise<VectorIndex> {
  const { documents: lookup, ...indexOptions } = options;
  const data = await readVectorIndexFile(path, lookup, int8SearchOf(options));
  if (options.metric !== undefined && options.metric !== data.metric) {
    throw new HybridRagError(
      "invalid-argument",
      `${path} was built with metric ${data.metric}, not ${options.metric}.`,
    );
  }
  const embedder = options.embedder;
  if (embedder.dimension !== data.dimension) {
    throw new HybridRagError(
      "invalid-argument",
      `${path} holds ${data.dimension}-dimensional vectors but embedder ${embedder.name} returns ${embedder.dimension}. Load it with the embedder it was built with (${data.embedderName}).`,
    );
  }
  if (embedder.name !== data.embedderName) {
    throw new HybridRagError(
      "invalid-argument",
      `${path} was built with embedder ${data.embedderName}, not ${embedder.name}: its vectors would not be comparable with your queries.`,
    );
  }
  const resolved = parseWithSchema(
    vectorIndexOptionsSchema,
    { ...indexOptions, metric: data.metric, name: options.name ?? data.name },
    "vector index options",
  );
  const graph = await savedGraph(path, data, resolved);
  return new VectorIndex(resolved, data.store, graph);
}

/** The graph saved with the file, when the options ask for HNSW with the same build settings. */
async function savedGraph(
  path: string,
  data: VectorIndexFileData,
  options: ResolvedVectorIndexOptions,
): Promise<HnswGraph | undefined> {
  if (options.backend !== "hnsw" || data.graph === undefined) return undefined;
  const { saved, keys } = data.graph;
  const settings = options.hnsw;
  if (
    saved.connectivity !== settings.connectivity ||
    saved.expansionAdd !== settings.expansionAdd ||
    saved.vectorType !== settings.vectorType
  ) {
    return undefined;
  }
  const graphPath = await checkedGraphPath(path, saved);
  if (graphPath === undefined) return undefined;
  return HnswGraph.load(graphPath, data.dimension, data.metric, settings, data.store.ids, keys);
}
