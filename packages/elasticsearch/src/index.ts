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
  denseFieldOptionsSchema,
  type ElasticsearchIndexOptions,
  elasticsearchIndexOptionsSchema,
} from "./elasticsearch-options.ts";
