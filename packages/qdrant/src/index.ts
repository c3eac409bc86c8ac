export { pointIdFor } from "./point-id.ts";
export { type QdrantCondition, type QdrantFilter, toQdrantFilter } from "./qdrant-filter.ts";
export {
  createQdrantHybridRetriever,
  type QdrantHybridOptions,
  QdrantHybridRetriever,
  qdrantHybridOptionsSchema,
} from "./qdrant-hybrid-retriever.ts";
export { createQdrantIndex, QdrantIndex } from "./qdrant-index.ts";
export {
  type QdrantIndexOptions,
  qdrantDistance,
  qdrantIndexOptionsSchema,
} from "./qdrant-options.ts";
export {
  type Bm25SparseEncoderOptions,
  bm25SparseEncoder,
  type SparseEncoder,
  type SparseVector,
} from "./sparse-encoder.ts";
