export { pointIdFor } from "./point-id.ts";
export { type QdrantCondition, type QdrantFilter, toQdrantFilter } from "./qdrant-filter.ts";
export { createQdrantIndex, QdrantIndex } from "./qdrant-index.ts";
export {
  type QdrantIndexOptions,
  qdrantDistance,
  qdrantIndexOptionsSchema,
} from "./qdrant-options.ts";
