import type { Client } from "@elastic/elasticsearch";
import { HybridRagError, type MetadataFilter, type MetadataScalar } from "@hybrid-rag/core";
import { isRangeCondition } from "@hybrid-rag/core/internal";
import { toElasticsearchError } from "./elasticsearch-error.ts";

const numericTypes = new Set([
  "double",
  "float",
  "half_float",
  "scaled_float",
  "long",
  "integer",
  "short",
  "byte",
  "unsigned_long",
]);
const stringTypes = new Set(["keyword", "constant_keyword", "wildcard", "text"]);

/**
 * The mapped type of each `metadata.*` field a filter names, read from the index's mapping
 * (`_mapping/field`). A field's type never changes once mapped, so known types are cached;
 * fields not mapped yet are asked again next time (a later write may map them).
 */
export class MetadataFieldTypes {
  readonly #types = new Map<string, string>();

  async typesOf(
    client: Client,
    index: string,
    paths: readonly string[],
    requestOptions: object,
  ): Promise<ReadonlyMap<string, string>> {
    const missing = paths.filter((path) => !this.#types.has(path));
    if (missing.length > 0) {
      let response: Record<string, { mappings?: Record<string, { mapping?: object }> }>;
      try {
        response = (await client.indices.getFieldMapping(
          { index, fields: missing },
          requestOptions,
        )) as typeof response;
      } catch (error) {
        const failure = toElasticsearchError(error, `reading the mapping of ${index}`);
        // No index yet: nothing is mapped, and the search will find nothing either.
        if (failure.code === "not-found") return this.#types;
        throw failure;
      }
      for (const { mappings = {} } of Object.values(response)) {
        for (const [path, { mapping = {} }] of Object.entries(mappings)) {
          const type = (Object.values(mapping)[0] as { type?: unknown } | undefined)?.type;
          if (typeof type === "string") this.#types.set(path, type);
        }
      }
    }
    return this.#types;
  }

  clear(): void {
    this.#types.clear();
  }
}

/** `metadata.<field>` for each field of a filter. */
export function filterPaths(filter: MetadataFilter): string[] {
  return Object.keys(filter).map((field) => `metadata.${field}`);
}

/**
 * Refuses filter values that do not fit the field's mapped type, where Elasticsearch would
 * coerce (`1` matching keyword `"1"`, unlike the embedded engines) or fail the whole search with
 * a 400 (a non-numeric string on a `double`). Fields not mapped yet pass: they match nothing
 * in Elasticsearch, as a field no document has matches nothing in the embedded engines.
 */
export function checkFilterTypes(
  filter: MetadataFilter,
  types: ReadonlyMap<string, string>,
  index: string,
): void {
  for (const [field, condition] of Object.entries(filter)) {
    const path = `metadata.${field}`;
    const type = types.get(path);
    if (type === undefined) continue;
    const values: unknown[] = Array.isArray(condition)
      ? condition
      : condition !== null && isRangeCondition(condition)
        ? Object.values(condition).filter((bound) => bound !== undefined)
        : [condition];
    for (const value of values) {
      const problem = mismatch(type, value as MetadataScalar);
      if (problem) {
        throw new HybridRagError(
          "invalid-argument",
          `Filter on ${field}: ${JSON.stringify(value)} ${problem}, but ${path} is mapped as ${type} in Elasticsearch index ${index}. ${advice(type)}`,
          { details: { field, value, mappedType: type } },
        );
      }
    }
  }
}

function mismatch(type: string, value: MetadataScalar): string | undefined {
  if (value === null) return undefined;
  if (stringTypes.has(type) && typeof value !== "string") return `is a ${typeof value}`;
  if (numericTypes.has(type) && typeof value !== "number") return `is a ${typeof value}`;
  if (type === "boolean" && typeof value !== "boolean") return `is a ${typeof value}`;
  return undefined;
}

function advice(type: string): string {
  if (stringTypes.has(type)) {
    return "Pass the value as a string (Elasticsearch would coerce it, the embedded engines compare strictly).";
  }
  if (numericTypes.has(type)) {
    return "Pass a number (Elasticsearch would coerce a numeric string, or fail the whole search with 400 on any other).";
  }
  if (type === "boolean") return "Pass true or false.";
  return "Pass a value of that type.";
}
