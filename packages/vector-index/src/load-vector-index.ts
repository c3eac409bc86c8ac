import { type DocumentLookup, HybridRagError } from "@hybrid-rag/core";
import type { VectorMetric } from "./metric.ts";
import { int8SearchOf, VectorIndex } from "./vector-index.ts";
import { readVectorIndexFile } from "./vector-index-file.ts";
import type { VectorIndexOptions } from "./vector-index-options.ts";
import { VectorStore } from "./vector-store.ts";

export type LoadVectorIndexOptions = Omit<VectorIndexOptions, "metric" | "initialCapacity"> & {
  /** When given, must equal the file's metric. */
  readonly metric?: VectorMetric;
  /** Required when the file was saved with `storeDocuments: false`: where its documents are. */
  readonly documents?: DocumentLookup;
};

/**
 * Loads a file written by `vectorIndex.save(path)`. The file is fully checked, and must match
 * the embedder (dimension and name), before an index is built: a bad file yields a clear error,
 * never a half-loaded index.
 */
export async function loadVectorIndex(
  path: string,
  options: LoadVectorIndexOptions,
): Promise<VectorIndex> {
  const { documents: lookup, ...indexOptions } = options;
  const data = await readVectorIndexFile(path, lookup);
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
  const store = VectorStore.fromParts(
    data.dimension,
    data.metric,
    data.vectors,
    data.documents.map((document) => document.id),
    data.documents,
    int8SearchOf(options),
  );
  return new VectorIndex(
    { ...indexOptions, metric: data.metric, name: options.name ?? data.name },
    store,
  );
}
