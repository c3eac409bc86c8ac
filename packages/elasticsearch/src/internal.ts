// `@hybrid-rag/elasticsearch/internal`: building blocks the hybrid-rag packages share. Not a stable API:
// it may change in any release. Applications use the public entry point, `@hybrid-rag/elasticsearch`.
export { toElasticsearchError } from "./elasticsearch-error.ts";
export { contentField, indexDefinition, vectorField } from "./index-definition.ts";
export { type FilterClause, metadataFilterClauses } from "./metadata-filter-query.ts";
