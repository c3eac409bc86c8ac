export { toElasticsearchError } from "./elasticsearch-error.ts";
export { createElasticsearchIndex, ElasticsearchIndex } from "./elasticsearch-index.ts";
export {
  type BulkOptions,
  bulkOptionsSchema,
  type ElasticsearchIndexOptions,
  elasticsearchIndexOptionsSchema,
} from "./elasticsearch-options.ts";
export { contentField, indexDefinition } from "./index-definition.ts";
export { type FilterClause, metadataFilterClauses } from "./metadata-filter-query.ts";
