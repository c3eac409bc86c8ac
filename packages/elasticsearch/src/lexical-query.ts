import type { MetadataFilter } from "@hybrid-rag/core";
import { contentField } from "./index-definition.ts";
import { metadataFilterClauses } from "./metadata-filter-query.ts";

/** The BM25 query: `match` (operator OR) on the analysed content, metadata as filters. */
export function lexicalQuery(query: string, filter: MetadataFilter | undefined) {
  return {
    bool: {
      must: { match: { [contentField]: { query, operator: "or" as const } } },
      filter: metadataFilterClauses(filter),
    },
  };
}
