export {
  createElasticsearchHybridRetriever,
  ElasticsearchHybridRetriever,
  type HybridOptions,
  hybridOptionsSchema,
} from "./elasticsearch-hybrid-retriever.ts";
export { createElasticsearchIndex, ElasticsearchIndex } from "./elasticsearch-index.ts";
export {
  type BulkOptions,
  bulkOptionsSchema,
  type DenseFieldOptions,
  type DenseIndexOptions,
  denseFieldOptionsSchema,
  denseIndexOptionsSchema,
  type ElasticsearchIndexOptions,
  elasticsearchIndexOptionsSchema,
  maxDenseVectorDims,
} from "./elasticsearch-options.ts";
