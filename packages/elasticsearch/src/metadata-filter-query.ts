import type { MetadataFilter } from "@hybrid-rag/core";
import { isRangeCondition } from "@hybrid-rag/core/internal";

export type FilterClause =
  | { term: Record<string, string | number | boolean> }
  | { terms: Record<string, Array<string | number | boolean>> }
  | { range: Record<string, Record<string, string | number>> }
  | { bool: { must_not: { match_all: Record<string, never> } } };

/**
 * Translates core's MetadataFilter into `bool.filter` clauses on `metadata.<field>`:
 * a scalar is `term` (array fields match when any element equals it), a list is `terms`, a
 * range object is `range`. Strings are mapped as `keyword`, so these are exact matches, as
 * `matchesMetadataFilter` does in the embedded engines. A `null` condition, which no indexed
 * value can equal (Elasticsearch does not index nulls), matches nothing.
 */
export function metadataFilterClauses(filter: MetadataFilter | undefined): FilterClause[] {
  if (filter === undefined) return [];
  return Object.entries(filter).map(([field, condition]): FilterClause => {
    const path = `metadata.${field}`;
    if (Array.isArray(condition)) {
      const values = condition.filter((value) => value !== null);
      return values.length === 0 ? matchNothing() : { terms: { [path]: values } };
    }
    if (condition === null) return matchNothing();
    if (isRangeCondition(condition)) {
      const bounds = Object.fromEntries(
        Object.entries(condition).filter(([, bound]) => bound !== undefined),
      ) as Record<string, string | number>;
      return { range: { [path]: bounds } };
    }
    return { term: { [path]: condition as string | number | boolean } };
  });
}

function matchNothing(): FilterClause {
  return { bool: { must_not: { match_all: {} } } };
}
