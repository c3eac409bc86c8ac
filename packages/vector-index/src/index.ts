export { type LoadVectorIndexOptions, loadVectorIndex } from "./load-vector-index.ts";
export { normalizeInPlace, type VectorMetric, vectorMetrics } from "./metric.ts";
export {
  createVectorIndex,
  VectorIndex,
  type VectorSearchOptions,
} from "./vector-index.ts";
export { vectorIndexFormatVersion } from "./vector-index-file.ts";
export {
  defaultPassageText,
  type VectorIndexOptions,
  vectorIndexOptionsSchema,
} from "./vector-index-options.ts";
