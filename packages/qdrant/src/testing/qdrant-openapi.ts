import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

/**
 * Qdrant's published OpenAPI document (v1.19.x), read from the shared specs folder beside the
 * repository (`../shared/specs`), never copied into it. `QDRANT_OPENAPI_SPEC` overrides the path.
 */
export const qdrantOpenApiPath =
  process.env.QDRANT_OPENAPI_SPEC ??
  fileURLToPath(
    new URL("../../../../../shared/specs/qdrant-openapi-v1.19.x.json", import.meta.url),
  );

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  readonly method: string;
  /** The path template as an expression, e.g. /collections/{collection_name}/points. */
  readonly pattern: RegExp;
  readonly template: string;
  readonly validate: ValidateFunction | undefined;
}

/**
 * Validates request bodies against the request schemas of Qdrant's OpenAPI document, compiled
 * with Ajv. Strict: every object schema that declares `properties` (and no
 * `additionalProperties`) rejects undeclared properties, so a misspelt or invented key such as
 * `datetime_range` fails instead of being dropped, as the real server silently does; properties
 * the document marks `deprecated` are refused too. OpenAPI 3.0's `nullable` becomes a JSON
 * Schema `null` type.
 */
export class QdrantOpenApiValidator {
  readonly #operations: Operation[];

  constructor(specPath: string = qdrantOpenApiPath) {
    if (!existsSync(specPath)) {
      throw new Error(
        `Qdrant's OpenAPI document is not at ${specPath}: the tests read it from ../shared/specs beside the repository (or set QDRANT_OPENAPI_SPEC to its path).`,
      );
    }
    const document = JSON.parse(readFileSync(specPath, "utf8")) as JsonObject;
    const strict = toStrictJsonSchema(document) as JsonObject;
    const ajv = new Ajv({ allErrors: false, strict: false, validateFormats: true });
    addFormats.default(ajv, ["date-time", "uuid", "uri"]);
    // Qdrant's numeric formats (uint, int64, double, …) say nothing JSON Schema checks.
    for (const format of ["uint", "uint8", "uint32", "uint64", "int64", "float", "double"]) {
      ajv.addFormat(format, true);
    }
    ajv.addSchema({ components: strict.components } as object, "qdrant");
    this.#operations = [];
    const paths = strict.paths as Record<string, Record<string, JsonObject>>;
    for (const [template, methods] of Object.entries(paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
      for (const [method, operation] of Object.entries(methods)) {
        const content = (operation.requestBody as JsonObject | undefined)?.content as
          | Record<string, { schema: JsonObject }>
          | undefined;
        const schema = content?.["application/json"]?.schema;
        this.#operations.push({
          method: method.toUpperCase(),
          pattern,
          template,
          validate: schema ? ajv.compile(rebase(schema) as object) : undefined,
        });
      }
    }
  }

  /** Problems of one request against the published API (empty when it conforms). */
  problems(method: string, path: string, body: unknown): string[] {
    const operation = this.#operations.find(
      (candidate) => candidate.method === method && candidate.pattern.test(path),
    );
    if (!operation) return [`${method} ${path} is not an operation of Qdrant's API`];
    if (!operation.validate) {
      return body === undefined ? [] : [`${method} ${operation.template} takes no JSON body`];
    }
    if (operation.validate(body)) return [];
    // An anyOf reports every branch's complaint; the deepest ones say what is actually wrong.
    const errors = operation.validate.errors ?? [];
    const depth = (error: { instancePath: string }) => error.instancePath.split("/").length;
    const deepest = Math.max(...errors.map(depth));
    const messages = errors
      .filter((error) => depth(error) === deepest)
      .map((error) => {
        const where = error.instancePath || "(body)";
        const extra =
          error.keyword === "additionalProperties"
            ? ` "${String(error.params.additionalProperty)}"`
            : "";
        return `${method} ${operation.template}: ${where} ${error.message ?? error.keyword}${extra}`;
      });
    return [...new Set(messages)];
  }
}

/** OpenAPI 3.0 schema objects → strict JSON Schema (nullable → null type, closed objects). */
function toStrictJsonSchema(value: Json): Json {
  if (Array.isArray(value)) return value.map(toStrictJsonSchema);
  if (value === null || typeof value !== "object") return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    // Examples are data, not schemas: keep them as they are.
    result[key] = key === "example" || key === "examples" ? child : toStrictJsonSchema(child);
  }
  if (result.nullable === true) {
    delete result.nullable;
    if (typeof result.type === "string") {
      result.type = [result.type, "null"];
      if (Array.isArray(result.enum)) result.enum = [...result.enum, null];
    } else if (result.type === undefined && !composes(result)) {
      // `{"nullable": true}` alone is the "or null" branch of an anyOf.
      result.type = "null";
    } else if (result.type === undefined) {
      return { anyOf: [result, { type: "null" }] };
    }
  }
  if (isObjectSchema(result) && result.additionalProperties === undefined) {
    result.additionalProperties = false;
    // Deprecated properties (hnsw_config.on_disk, *.always_ram, …) are refused like unknown ones.
    const properties = result.properties as JsonObject;
    for (const [name, property] of Object.entries(properties)) {
      if ((property as JsonObject | null)?.deprecated === true) delete properties[name];
    }
  }
  return result;
}

function composes(schema: JsonObject): boolean {
  return ["$ref", "anyOf", "oneOf", "allOf", "enum"].some((keyword) => keyword in schema);
}

function isObjectSchema(schema: JsonObject): boolean {
  const type = schema.type;
  const objectType = type === "object" || (Array.isArray(type) && type.includes("object"));
  return objectType && typeof schema.properties === "object" && schema.properties !== null;
}

/** `#/components/...` references point into the schema registered as "qdrant". */
function rebase(value: Json): Json {
  if (Array.isArray(value)) return value.map(rebase);
  if (value === null || typeof value !== "object") return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    result[key] =
      key === "$ref" && typeof child === "string" && child.startsWith("#/")
        ? `qdrant${child}`
        : rebase(child);
  }
  return result;
}
