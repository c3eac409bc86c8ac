import { z } from "zod";
import {
  type ApiLimits,
  documentResponseSchema,
  errorResponseSchema,
  healthResponseSchema,
  ingestResponseSchema,
  passageSchema,
  requestSchemas,
  searchResponseSchema,
} from "./search-api.ts";

type JsonObject = Record<string, unknown>;

function component(schema: z.ZodType, io: "input" | "output"): JsonObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
  }) as JsonObject;
  return json;
}

const json = (name: string) => ({
  content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } },
});
const error = (description: string) => ({ description, ...json("Error") });

/**
 * The OpenAPI 3.1 document of the search service, built from the same zod schemas the routes
 * validate with, so the document cannot drift from the code.
 */
export function openApiDocument(
  limits: ApiLimits,
  options: { ingest: boolean; auth: boolean },
): JsonObject {
  const requests = requestSchemas(limits);
  const common = {
    "400": error("malformed JSON, or a body nested too deeply"),
    "415": error("the body is not application/json"),
    "422": error("the body does not match the schema; the message names the field"),
    ...(options.auth ? { "401": error("missing or wrong API key") } : {}),
  };
  const secured = options.auth ? { security: [{ apiKey: [] }] } : {};
  const paths: JsonObject = {
    "/v1/search": {
      post: {
        operationId: "search",
        summary:
          "Hybrid search (BM25 + vectors, fused, reranked if configured) with cited passages",
        requestBody: { required: true, ...json("SearchRequest") },
        responses: {
          "200": { description: "the passages, best first", ...json("SearchResponse") },
          ...common,
          "413": error("the body is larger than the server's limit"),
          "503": error("too many searches waiting; retry after the Retry-After seconds"),
          "504": error("the search took longer than the server's timeout"),
        },
        ...secured,
      },
    },
    "/v1/passages/{id}": {
      get: {
        operationId: "getPassage",
        summary: "One passage by id",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "the passage", ...json("Passage") },
          "404": error("no passage with that id"),
          ...(options.auth ? { "401": error("missing or wrong API key") } : {}),
        },
        ...secured,
      },
    },
    "/v1/documents/{id}": {
      get: {
        operationId: "getDocument",
        summary: "One document by id (a passage's parentId)",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "the document", ...json("Document") },
          "404": error("no document with that id"),
          ...(options.auth ? { "401": error("missing or wrong API key") } : {}),
        },
        ...secured,
      },
    },
    "/v1/health/live": {
      get: {
        operationId: "live",
        summary: "The process answers",
        responses: { "200": { description: "alive", ...json("Health") } },
      },
    },
    "/v1/health/ready": {
      get: {
        operationId: "ready",
        summary: "The collection is open and searches are accepted",
        responses: {
          "200": { description: "ready", ...json("Health") },
          "503": error("shutting down"),
        },
      },
    },
    "/v1/metrics": {
      get: {
        operationId: "metrics",
        summary: "Prometheus metrics",
        responses: {
          "200": {
            description: "text exposition format",
            content: { "text/plain": { schema: { type: "string" } } },
          },
        },
      },
    },
    "/openapi.json": {
      get: {
        operationId: "openApi",
        summary: "This document",
        responses: {
          "200": {
            description: "OpenAPI 3.1",
            content: { "application/json": { schema: { type: "object" } } },
          },
        },
      },
    },
  };
  if (options.ingest) {
    paths["/v1/documents"] = {
      post: {
        operationId: "ingest",
        summary:
          "Add or replace documents (chunked, indexed on both sides), then save a new version",
        requestBody: { required: true, ...json("IngestRequest") },
        responses: {
          "200": { description: "what was ingested", ...json("IngestResponse") },
          ...common,
          "409": error(
            "the collection was saved by another writer since this server opened it; restart the server to reopen it",
          ),
          "413": error("the body is larger than the server's limit"),
          "423": error("another process holds the collection's writer lock; retry after it"),
          "503": error("another ingest is running; retry after it"),
        },
        ...secured,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "hybrid-rag search",
      version: "0.1.0",
      description: "A hybrid-rag collection's search: cited passages with provenance.",
    },
    paths,
    components: {
      schemas: {
        SearchRequest: component(requests.search, "input"),
        IngestRequest: component(requests.ingest, "input"),
        SearchResponse: component(searchResponseSchema, "output"),
        Passage: component(passageSchema, "output"),
        Document: component(documentResponseSchema, "output"),
        IngestResponse: component(ingestResponseSchema, "output"),
        Health: component(healthResponseSchema, "output"),
        Error: component(errorResponseSchema, "output"),
      },
      ...(options.auth ? { securitySchemes: { apiKey: { type: "http", scheme: "bearer" } } } : {}),
    },
  };
}
