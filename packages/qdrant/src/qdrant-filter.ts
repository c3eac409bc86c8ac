import {
  HybridRagError,
  type MetadataFilter,
  type MetadataScalar,
  type RangeCondition,
} from "@hybrid-rag/core";
import { isRangeCondition } from "@hybrid-rag/core/internal";

/** The subset of Qdrant's `Filter` schema this adapter produces. */
export type QdrantCondition =
  | { key: string; match: { value: string | number | boolean } }
  | { key: string; match: { any: string[] | number[] } }
  | { key: string; range: { gt?: number; gte?: number; lt?: number; lte?: number } }
  // Qdrant's RangeInterface: a number range, or a DatetimeRange of RFC 3339 strings.
  | { key: string; range: { gt?: string; gte?: string; lt?: string; lte?: string } }
  | { is_null: { key: string } }
  | { should: QdrantCondition[] }
  | { must_not: [{ is_empty: { key: string } }, ...QdrantCondition[]] };

export interface QdrantFilter {
  must: QdrantCondition[];
}

/**
 * Maps core's MetadataFilter to a Qdrant payload filter on `metadata.<field>`. Qdrant's `match`
 * only compares keywords, integers and booleans, so non-integer numbers become a closed range
 * and mixed lists a `should` of single matches; `match.any` lists are deduplicated (the API
 * requires unique items). String ranges are datetime ranges under `range`, as RFC 3339 strings
 * (a bare date is midnight UTC); other string ranges are unsupported by Qdrant and rejected.
 */
export function toQdrantFilter(filter: MetadataFilter | undefined): QdrantFilter | undefined {
  if (filter === undefined || Object.keys(filter).length === 0) return undefined;
  return {
    must: Object.entries(filter).map(([field, condition]) => {
      const key = `metadata.${field}`;
      if (Array.isArray(condition)) return anyOf(key, condition);
      if (isRangeCondition(condition)) return rangeOf(key, condition);
      return equals(key, condition as MetadataScalar);
    }),
  };
}

function equals(key: string, value: MetadataScalar): QdrantCondition {
  if (value === null) return { is_null: { key } };
  if (typeof value === "number" && !Number.isInteger(value)) {
    return { key, range: { gte: value, lte: value } };
  }
  return { key, match: { value } };
}

function anyOf(key: string, values: readonly MetadataScalar[]): QdrantCondition {
  if (values.length > 0 && values.every((value) => typeof value === "string")) {
    return { key, match: { any: [...new Set(values as string[])] } };
  }
  if (
    values.length > 0 &&
    values.every((value) => typeof value === "number" && Number.isInteger(value))
  ) {
    return { key, match: { any: [...new Set(values as number[])] } };
  }
  // An empty `should` matches nothing in Qdrant, as an empty any-of list should.
  return { should: values.map((value) => equals(key, value)) };
}

function rangeOf(key: string, range: RangeCondition): QdrantCondition {
  const bounds = Object.entries(range).filter(([, bound]) => bound !== undefined);
  if (bounds.every(([, bound]) => typeof bound === "number")) {
    return { key, range: Object.fromEntries(bounds) as Record<string, number> };
  }
  if (bounds.every(([, bound]) => typeof bound === "string")) {
    const datetimes = bounds.map(([name, bound]) => [name, toRfc3339(key, bound as string)]);
    return { key, range: Object.fromEntries(datetimes) as Record<string, string> };
  }
  throw new HybridRagError(
    "unsupported",
    `Qdrant filter on ${key}: ranges must be all numbers or all dates, got ${JSON.stringify(range)}. Qdrant has no range over arbitrary strings.`,
  );
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/** A date bound as RFC 3339 (what Qdrant's DatetimeRange takes); a bare date is midnight UTC. */
function toRfc3339(key: string, bound: string): string {
  if (rfc3339.test(bound) && !Number.isNaN(Date.parse(bound.replace(" ", "T")))) {
    return bound.replace(" ", "T");
  }
  if (dateOnly.test(bound) && !Number.isNaN(Date.parse(bound))) return `${bound}T00:00:00Z`;
  throw new HybridRagError(
    "invalid-argument",
    `Qdrant filter on ${key}: the range bound ${JSON.stringify(bound)} is not an RFC 3339 date-time with a time zone (2024-01-31T12:00:00Z) nor a date (2024-01-31). Qdrant compares string ranges as dates only.`,
  );
}
