import type { MetadataScalar, MetadataValue } from "./document.ts";

/** A range over numbers or strings (ISO dates compare correctly as strings). */
export interface RangeCondition {
  readonly gt?: number | string;
  readonly gte?: number | string;
  readonly lt?: number | string;
  readonly lte?: number | string;
}

/**
 * A condition on one metadata field:
 * - a scalar: the field equals it (or, for an array field, contains it);
 * - an array: the field equals any of them (`terms` in Elasticsearch, `match.any` in Qdrant);
 * - a range object: `{ gte: 2020, lt: 2024 }`.
 */
export type FieldCondition = MetadataScalar | readonly MetadataScalar[] | RangeCondition;

/**
 * Conditions on metadata fields, all of which must hold. Field names may use dots for nested
 * objects (`"source.kind"`). A field that no document has matches nothing — exactly like a
 * `term` query on an unmapped field in Elasticsearch or a missing payload key in Qdrant.
 */
export type MetadataFilter = Readonly<Record<string, FieldCondition>>;

/** Reads a possibly dotted path out of metadata. */
export function metadataValueAt(
  metadata: Readonly<Record<string, MetadataValue>> | undefined,
  path: string,
): MetadataValue | undefined {
  if (metadata === undefined) return undefined;
  if (Object.hasOwn(metadata, path)) return metadata[path];
  let current: MetadataValue | undefined = metadata as MetadataValue;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, MetadataValue>)[part];
  }
  return current;
}

/** True when the metadata satisfies every condition of the filter. */
export function matchesMetadataFilter(
  metadata: Readonly<Record<string, MetadataValue>> | undefined,
  filter: MetadataFilter | undefined,
): boolean {
  if (filter === undefined) return true;
  for (const [field, condition] of Object.entries(filter)) {
    const value = metadataValueAt(metadata, field);
    if (value === undefined || !matchesCondition(value, condition)) return false;
  }
  return true;
}

function matchesCondition(value: MetadataValue, condition: FieldCondition): boolean {
  const values: readonly MetadataValue[] = Array.isArray(value) ? value : [value];
  if (Array.isArray(condition)) {
    return values.some((item) => condition.some((wanted) => item === wanted));
  }
  if (isRangeCondition(condition)) {
    return values.some((item) => inRange(item, condition));
  }
  return values.some((item) => item === condition);
}

export function isRangeCondition(condition: FieldCondition): condition is RangeCondition {
  return typeof condition === "object" && condition !== null && !Array.isArray(condition);
}

function inRange(value: MetadataValue, range: RangeCondition): boolean {
  if (typeof value !== "number" && typeof value !== "string") return false;
  const bounds = [range.gt, range.gte, range.lt, range.lte].filter((b) => b !== undefined);
  if (bounds.some((bound) => typeof bound !== typeof value)) return false;
  if (range.gt !== undefined && !(value > range.gt)) return false;
  if (range.gte !== undefined && !(value >= range.gte)) return false;
  if (range.lt !== undefined && !(value < range.lt)) return false;
  if (range.lte !== undefined && !(value <= range.lte)) return false;
  return true;
}
