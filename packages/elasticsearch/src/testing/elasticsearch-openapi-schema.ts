// Turns the OpenAPI 3.0 rendering of Elasticsearch's specification into strict JSON Schema
// (2020-12, for Ajv), restoring the rules the rendering loses (see ../shared/specs/README.md).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * Classes the specification marks `@shortcut_property` (elastic/elasticsearch-specification,
 * `specification/**.ts`): Elasticsearch's parsers also take the named property's value alone,
 * e.g. `{"term": {"field": "value"}}` for `{"term": {"field": {"value": "value"}}}` and
 * `"_source": ["a"]` for `{"includes": ["a"]}`. The OpenAPI rendering keeps only the object.
 */
export const shortcutProperties: Readonly<Record<string, string>> = {
  "_types.query_dsl.TermQuery": "value",
  "_types.query_dsl.PrefixQuery": "value",
  "_types.query_dsl.WildcardQuery": "value",
  "_types.query_dsl.RegexpQuery": "value",
  "_types.query_dsl.FuzzyQuery": "value",
  "_types.query_dsl.SpanTermQuery": "value",
  "_types.query_dsl.MatchQuery": "query",
  "_types.query_dsl.MatchPhraseQuery": "query",
  "_types.query_dsl.MatchPhrasePrefixQuery": "query",
  "_types.query_dsl.MatchBoolPrefixQuery": "query",
  "_types.query_dsl.CommonTermsQuery": "query",
  "_types.query_dsl.FieldAndFormat": "field",
  "_global.search._types.SourceFilter": "includes",
  "_types.Script": "source",
};

/**
 * Classes with the specification's `@behavior AdditionalProperty` (any field name → a value:
 * `{"terms": {"metadata.tags": [...]}}`), rendered as `allOf: [Base, {type: "object"}]` like an
 * empty subclass (`IndexOperation`), which is closed. These stay open.
 */
const additionalPropertyClasses = new Set([
  "_types.query_dsl.TermsQuery",
  "_types.query_dsl.UntypedDecayFunction",
  "_types.query_dsl.DateDecayFunction",
  "_types.query_dsl.NumericDecayFunction",
  "_types.query_dsl.GeoDecayFunction",
]);

/** Enums of strings whose parsers take JSON booleans too (`"dynamic": false`). */
const booleanStringEnums = ["_types.mapping.DynamicMapping", "_types.mapping.Subobjects"];

/** Keywords that document rather than constrain, dropped (Ajv 2020 reads `examples` as a list). */
const documentation = new Set([
  "description",
  "externalDocs",
  "example",
  "examples",
  "title",
  "default",
  "deprecated",
  "discriminator",
]);

/** The strict schema registry: `{components: {schemas}}` with the fixes applied. */
export function strictComponents(document: JsonObject): JsonObject {
  const schemas = (document.components as JsonObject).schemas as JsonObject;
  const bases = inheritanceBases(schemas);
  const result: JsonObject = {};
  for (const [name, schema] of Object.entries(schemas)) {
    result[name] = strictSchema(schema, !bases.has(name) && !additionalPropertyClasses.has(name));
  }
  for (const [name, property] of Object.entries(shortcutProperties)) {
    const objectForm = result[name];
    const shortcut = ownProperty(schemas[name], property);
    if (objectForm === undefined || shortcut === undefined) {
      throw new Error(`The spec has no ${name}.${property}: update shortcutProperties.`);
    }
    result[`${name}.object-form`] = objectForm;
    result[name] = {
      anyOf: [{ $ref: `es#/components/schemas/${name}.object-form` }, strictSchema(shortcut, true)],
    };
  }
  for (const name of booleanStringEnums) {
    if (result[name] !== undefined) result[name] = { anyOf: [{ type: "boolean" }, result[name]] };
  }
  return { components: { schemas: result } };
}

/**
 * A schema made strict: `oneOf` read as `anyOf` (Elasticsearch's unions are not exclusive),
 * `nullable` as a null type, and objects closed with `unevaluatedProperties: false`, which sees
 * through `allOf` inheritance (`allOf: [{$ref: Base}, {properties}]`). `close` is false for the
 * bases themselves, which the classes extending them close.
 */
export function strictSchema(value: Json, close: boolean): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (documentation.has(key) || key.startsWith("x-")) continue;
    if (key === "properties" && child !== null && typeof child === "object") {
      result.properties = Object.fromEntries(
        Object.entries(child).map(([name, schema]) => [name, strictSchema(schema, true)]),
      );
    } else if (key === "oneOf" || key === "anyOf") {
      result.anyOf = (child as Json[]).map((entry) => strictSchema(entry, true));
    } else if (key === "allOf") {
      // The parts of an inheritance are closed once, here, not each on its own.
      result.allOf = exactlyOneVariant(
        (child as Json[]).map((entry) => strictSchema(entry, false)),
      );
    } else if (key === "items" || key === "additionalProperties" || key === "not") {
      result[key] = strictSchema(child, true);
    } else if (key === "$ref" && typeof child === "string") {
      result.$ref = `es${child}`;
    } else {
      result[key] = child;
    }
  }
  if (result.nullable === true) {
    delete result.nullable;
    return { anyOf: [result, { type: "null" }] };
  }
  // `allOf: [{$ref}]` alone only wraps a reference (to give it a description): the referenced
  // class closes itself.
  const declaresProperties =
    result.properties !== undefined ||
    (Array.isArray(result.allOf) &&
      (result.allOf.length > 1 ||
        result.allOf.some((part) => (part as JsonObject | null)?.properties !== undefined)));
  if (close && declaresProperties && result.additionalProperties === undefined) {
    result.unevaluatedProperties = false;
  }
  return result;
}

/**
 * A container with container properties (`DynamicTemplate`: `match`, `path_match`, … beside
 * its variants `mapping` | `runtime`; `AggregationContainer`: `aggs`, `meta`) is rendered as
 * `allOf: [containerProperties, {variants, minProperties: 1, maxProperties: 1}]`, which would
 * count the container properties as variants. The rule is one variant exactly.
 */
function exactlyOneVariant(parts: Json[]): Json[] {
  if (parts.length < 2) return parts;
  return parts.map((part) => {
    if (part === null || typeof part !== "object" || Array.isArray(part)) return part;
    if (part.maxProperties !== 1 || typeof part.properties !== "object" || part.properties === null)
      return part;
    const { minProperties: _min, maxProperties: _max, ...rest } = part;
    return {
      ...rest,
      oneOf: Object.keys(part.properties).map((variant) => ({ required: [variant] })),
    };
  });
}

/** Components other classes extend (`allOf: [{$ref: Base}, {…}]`). */
function inheritanceBases(schemas: JsonObject): Set<string> {
  const bases = new Set<string>();
  for (const schema of Object.values(schemas)) {
    const allOf = (schema as JsonObject | null)?.allOf;
    if (!Array.isArray(allOf) || allOf.length < 2) continue;
    for (const part of allOf) {
      const ref = (part as JsonObject | null)?.$ref;
      if (typeof ref === "string") bases.add(ref.replace("#/components/schemas/", ""));
    }
  }
  return bases;
}

/** The schema of property `name` declared by a class itself (or in one of its `allOf` parts). */
function ownProperty(schema: Json | undefined, name: string): Json | undefined {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return undefined;
  const properties = schema.properties as JsonObject | undefined;
  if (properties?.[name] !== undefined) return properties[name];
  for (const part of (schema.allOf as Json[] | undefined) ?? []) {
    const found = ownProperty(part, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
