import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { denseVectorMappingProblems } from "./dense-vector-mapping-rules.ts";
import {
  type Json,
  type JsonObject,
  strictComponents,
  strictSchema,
} from "./elasticsearch-openapi-schema.ts";

/**
 * Elasticsearch's REST API (stack flavour) as published in OpenAPI by its specification's own
 * compiler, read from the shared specs folder beside the repository (`../shared/specs`), never
 * copied into it. `ELASTICSEARCH_OPENAPI_SPEC` overrides the path.
 */
export const elasticsearchOpenApiPath =
  process.env.ELASTICSEARCH_OPENAPI_SPEC ??
  fileURLToPath(
    new URL("../../../../../shared/specs/elasticsearch-openapi-stack.json", import.meta.url),
  );

/** URL parameters every API takes (Elasticsearch's common options). */
const commonQueryParameters = ["error_trace", "filter_path", "human", "pretty"];

interface Operation {
  readonly method: string;
  readonly template: string;
  readonly pattern: RegExp;
  /** Literal path segments: `/_bulk` wins over `/{index}`, as in Elasticsearch's router. */
  readonly literals: number;
  readonly queryParameters: ReadonlySet<string>;
  /** The body's schema, compiled on first use (the whole API is large). */
  readonly bodySchema: Json | undefined;
  validate?: ValidateFunction;
}

/**
 * Validates requests — method and path, URL parameters, JSON body — against Elasticsearch's
 * published API, strict as `QdrantOpenApiValidator` is for Qdrant: every object refuses
 * properties its class does not declare (its bases' included), so a misspelt or invented key
 * fails instead of being silently accepted, and an unknown URL parameter fails as Elasticsearch
 * itself refuses it. The rules the OpenAPI rendering loses are restored (shortcut properties,
 * non-exclusive unions, boolean `dynamic`), `_bulk` bodies are checked line by line, and the
 * `dense_vector` rules the types do not carry (`DenseVectorFieldMapper`) are checked on mappings.
 */
export class ElasticsearchOpenApiValidator {
  readonly #operations: Operation[] = [];
  readonly #ajv: Ajv2020;

  constructor(specPath: string = elasticsearchOpenApiPath) {
    if (!existsSync(specPath)) {
      throw new Error(
        `Elasticsearch's OpenAPI document is not at ${specPath}: the tests read it from ../shared/specs beside the repository (or set ELASTICSEARCH_OPENAPI_SPEC to its path).`,
      );
    }
    const document = JSON.parse(readFileSync(specPath, "utf8")) as JsonObject;
    this.#ajv = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
    this.#ajv.addSchema(strictComponents(document) as object, "es");
    const components = document.components as JsonObject;
    const parameters = components.parameters as JsonObject;
    const requestBodies = components.requestBodies as JsonObject;
    for (const [template, methods] of Object.entries(document.paths as JsonObject)) {
      const segments = template.split("/").filter(Boolean);
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}/?$`);
      for (const [method, value] of Object.entries(methods as JsonObject)) {
        const operation = value as JsonObject;
        const query = ((operation.parameters as Json[] | undefined) ?? [])
          .map((entry) => resolve(entry as JsonObject, parameters))
          .filter((parameter) => parameter.in === "query")
          .map((parameter) => String(parameter.name));
        const requestBody = operation.requestBody
          ? resolve(operation.requestBody as JsonObject, requestBodies)
          : undefined;
        const content = requestBody?.content as JsonObject | undefined;
        const bodySchema = (content?.["application/json"] as JsonObject | undefined)?.schema;
        this.#operations.push({
          method: method.toUpperCase(),
          template,
          pattern,
          literals: segments.filter((segment) => !segment.startsWith("{")).length,
          queryParameters: new Set([...query, ...commonQueryParameters]),
          bodySchema,
        });
      }
    }
    this.#operations.sort((a, b) => b.literals - a.literals);
  }

  /**
   * Compiles the body schemas of these operations now (`"PUT /{index}"`, …): a test file pays
   * the seconds this takes while it loads, not inside its first test's timeout.
   */
  precompile(operations: readonly string[]): void {
    for (const operation of this.#operations) {
      if (
        operation.bodySchema !== undefined &&
        operations.includes(`${operation.method} ${operation.template}`)
      ) {
        this.#compiled(operation);
      }
    }
  }

  /** Problems of one request against the published API (empty when it conforms). */
  problems(
    method: string,
    path: string,
    querystring: Readonly<Record<string, unknown>>,
    body: unknown,
  ): string[] {
    const operation = this.#operations.find(
      (candidate) => candidate.method === method && candidate.pattern.test(path),
    );
    if (!operation) return [`${method} ${path} is not an operation of Elasticsearch's API`];
    const where = `${method} ${operation.template}`;
    const problems = Object.keys(querystring)
      .filter((name) => !operation.queryParameters.has(name))
      .map((name) => `${where}: unrecognized URL parameter "${name}"`);
    if (body === undefined || body === null || body === "") return problems;
    if (operation.bodySchema === undefined) return [...problems, `${where} takes no body`];
    if (operation.template.endsWith("/_bulk")) {
      return [...problems, ...this.#bulkProblems(where, body)];
    }
    problems.push(...this.#schemaProblems(where, this.#compiled(operation), body));
    if (method === "PUT" && operation.template === "/{index}") {
      const mappings = (body as { mappings?: unknown }).mappings;
      problems.push(
        ...denseVectorMappingProblems(mappings).map((problem) => `${where}: ${problem}`),
      );
    }
    return problems;
  }

  /** NDJSON: each action line against `OperationContainer`, then its source line if it has one. */
  #bulkProblems(where: string, body: unknown): string[] {
    if (!Array.isArray(body)) return [`${where}: the body is not NDJSON lines`];
    const action = this.#ajv.getSchema("es#/components/schemas/_global.bulk.OperationContainer");
    const update = this.#ajv.getSchema("es#/components/schemas/_global.bulk.UpdateAction");
    const problems: string[] = [];
    for (let line = 0; line < body.length; line++) {
      const problemsOfAction = this.#schemaProblems(
        `${where} line ${line + 1}`,
        action!,
        body[line],
      );
      problems.push(...problemsOfAction);
      if (problemsOfAction.length > 0) break;
      const kind = Object.keys(body[line] as object)[0];
      if (kind === "delete") continue;
      line++;
      const source = body[line];
      if (kind === "update") {
        problems.push(...this.#schemaProblems(`${where} line ${line + 1}`, update!, source));
      } else if (typeof source !== "object" || source === null || Array.isArray(source)) {
        problems.push(`${where} line ${line + 1}: the ${kind} action needs a document object`);
      }
    }
    return problems;
  }

  #compiled(operation: Operation): ValidateFunction {
    operation.validate ??= this.#ajv.compile(strictSchema(operation.bodySchema!, true) as object);
    return operation.validate;
  }

  #schemaProblems(where: string, validate: ValidateFunction, value: unknown): string[] {
    if (validate(value)) return [];
    // A union reports every branch's complaint; the deepest ones say what is actually wrong.
    const errors = validate.errors ?? [];
    const depth = (error: { instancePath: string }) => error.instancePath.split("/").length;
    const deepest = Math.max(...errors.map(depth));
    const messages = errors
      .filter((error) => depth(error) === deepest)
      .map((error) => {
        const extra =
          error.keyword === "unevaluatedProperties"
            ? ` "${String(error.params.unevaluatedProperty)}"`
            : "";
        return `${where}: ${error.instancePath || "(body)"} ${error.message ?? error.keyword}${extra}`;
      });
    return [...new Set(messages)];
  }
}

function resolve(entry: JsonObject, registry: JsonObject): JsonObject {
  const ref = entry.$ref;
  if (typeof ref !== "string") return entry;
  return registry[ref.split("/").at(-1)!] as JsonObject;
}
