import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createEmbeddedCollection,
  type EmbeddedCollection,
  openCollection,
} from "@hybrid-rag/collection";
import { createUseLiteEmbedder, type UseLiteEmbedder } from "@hybrid-rag/embeddings-use";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiResponseChecker } from "./openapi-check.test.helper.ts";
import { createSearchServer, type SearchServer } from "./search-server.ts";

// `hybrid-rag serve`'s server over a USE-lite collection (a real model), on loopback; every
// response is checked against the server's own OpenAPI document.
let directory: string;
let embedder: UseLiteEmbedder;
let collection: EmbeddedCollection;
let server: SearchServer;
let url: string;
let check: Awaited<ReturnType<typeof openApiResponseChecker>>;
const apiKey = "test-key-0123456789abcdef";

const documents = [
  {
    id: "coast.md",
    source: "notes/coast.md",
    title: "Coast survey",
    text: `${"The harbour notes repeat themselves. ".repeat(40)}One solitary pelican stood on the northern jetty all winter.`,
    metadata: { year: 2024 },
  },
  {
    id: "kitchen.md",
    source: "notes/kitchen.md",
    text: "Lemon cake needs three eggs and a cup of sugar.",
    metadata: { year: 2021 },
  },
  {
    id: "chess.md",
    source: "notes/chess.md",
    text: "The Sicilian defence answers e4 with c5.",
    metadata: { year: 2019 },
  },
];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "search-server-"));
  embedder = await createUseLiteEmbedder();
  collection = createEmbeddedCollection({
    embedder,
    chunking: { maxTokens: 64, overlapTokens: 8 },
  });
  await collection.ingest(documents as never);
  await collection.save(directory);
  server = createSearchServer({
    collection,
    directory,
    settings: { port: 0, apiKey, ingest: true, logLevel: "silent" },
  });
  url = await server.listen();
  const document = (await (await fetch(`${url}/openapi.json`)).json()) as Record<string, unknown>;
  check = await openApiResponseChecker(document);
}, 300_000);

afterAll(async () => {
  await server?.close();
  embedder?.release();
  await rm(directory, { recursive: true, force: true });
});

/** A request; the answer is checked against the OpenAPI document (`template` = its path). */
async function call(method: string, path: string, template: string, body?: unknown, auth = true) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${apiKey}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const contentType = response.headers.get("content-type") ?? "";
  const payload = contentType.startsWith("application/json")
    ? await response.json()
    : await response.text();
  check(method, template, response.status, contentType, payload);
  return {
    status: response.status,
    body: payload as Record<string, unknown> & { passages: Array<Record<string, unknown>> },
    headers: response.headers,
  };
}

describe("hybrid-rag serve: the search service", () => {
  it("serves an OpenAPI 3.1 document that validates (checked in beforeAll) and lists every route", async () => {
    const { body } = await call("GET", "/openapi.json", "/openapi.json", undefined, false);
    expect(Object.keys(body.paths as object).sort()).toEqual([
      "/openapi.json",
      "/v1/documents",
      "/v1/documents/{id}",
      "/v1/health/live",
      "/v1/health/ready",
      "/v1/metrics",
      "/v1/passages/{id}",
      "/v1/search",
    ]);
  });

  it("searches: cited passages with offsets into the document, provenance and timings", async () => {
    const { status, body } = await call("POST", "/v1/search", "/v1/search", {
      query: "pelican on the northern jetty",
      top_k: 2,
    });
    expect(status).toBe(200);
    expect(body.passages).toHaveLength(2);
    const top = body.passages[0]!;
    expect(top).toMatchObject({ parentId: "coast.md", source: "notes/coast.md", rank: 1 });
    expect(documents[0]!.text.slice(top.start as number, top.end as number)).toBe(top.text);
    expect(body.timings).toHaveProperty("total");
  });

  it("applies filters on document metadata, ranges included", async () => {
    const { body } = await call("POST", "/v1/search", "/v1/search", {
      query: "pelican cake chess",
      top_k: 10,
      filters: { year: { gte: 2020 } },
    });
    expect(new Set(body.passages.map((passage) => passage.parentId))).toEqual(
      new Set(["coast.md", "kitchen.md"]),
    );
  });

  it("refuses a bad body with 422 naming the field, and an unknown field", async () => {
    const tooMany = await call("POST", "/v1/search", "/v1/search", { query: "x", top_k: 101 });
    expect(tooMany.status).toBe(422);
    expect(JSON.stringify(tooMany.body)).toContain("top_k");
    const unknown = await call("POST", "/v1/search", "/v1/search", { query: "x", topK: 3 });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain("topK");
  });

  it("needs the API key on search, passages and documents, not on health, metrics and the document", async () => {
    const denied = await call("POST", "/v1/search", "/v1/search", { query: "x" }, false);
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain("Bearer");
    expect(
      (await call("GET", "/v1/passages/x", "/v1/passages/{id}", undefined, false)).status,
    ).toBe(401);
    expect((await call("GET", "/v1/health/live", "/v1/health/live", undefined, false)).status).toBe(
      200,
    );
  });

  it("fetches a passage and a document by id; unknown ids are 404 with what to do", async () => {
    const { body } = await call("POST", "/v1/search", "/v1/search", { query: "lemon cake" });
    const kitchen = body.passages.find((passage) => passage.parentId === "kitchen.md")!;
    const passage = await call(
      "GET",
      `/v1/passages/${encodeURIComponent(kitchen.id as string)}`,
      "/v1/passages/{id}",
    );
    expect(passage.body).toMatchObject({ id: kitchen.id, text: documents[1]!.text, start: 0 });
    const document = await call("GET", "/v1/documents/coast.md", "/v1/documents/{id}");
    expect(document.body).toMatchObject({
      id: "coast.md",
      source: "notes/coast.md",
      text: documents[0]!.text,
    });
    const missing = await call("GET", "/v1/documents/nope", "/v1/documents/{id}");
    expect(missing.status).toBe(404);
    expect(JSON.stringify(missing.body)).toContain("parentId");
  });

  it("reports health and Prometheus metrics", async () => {
    const ready = await call("GET", "/v1/health/ready", "/v1/health/ready", undefined, false);
    expect(ready.body).toMatchObject({ status: "ok", documents: 3 });
    const metrics = await call("GET", "/v1/metrics", "/v1/metrics", undefined, false);
    expect(String(metrics.body)).toMatch(
      /search_requests_total\{route="\/v1\/search",status="200"\} \d+/,
    );
  });

  it("ingests documents behind the key, saves a new version, and searches them at once", async () => {
    const denied = await call(
      "POST",
      "/v1/documents",
      "/v1/documents",
      { documents: [{ id: "x", text: "y" }] },
      false,
    );
    expect(denied.status).toBe(401);
    const { status, body } = await call("POST", "/v1/documents", "/v1/documents", {
      documents: [
        { id: "tides.md", source: "notes/tides.md", text: "The moon pulls the tides twice a day." },
      ],
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ version: 2, added: 1, failed: 0 });
    const found = await call("POST", "/v1/search", "/v1/search", { query: "moon tides", top_k: 1 });
    expect(found.body.passages[0]).toMatchObject({ parentId: "tides.md" });
    const reopened = await openCollection(directory, { embedder });
    expect(reopened.store.parent("tides.md")).toBeDefined();
  });
});

describe("createSearchServer settings", () => {
  it("refuses a non-loopback host without an API key, and ingest without one", () => {
    expect(() => createSearchServer({ collection, settings: { host: "0.0.0.0" } })).toThrow(
      /0\.0\.0\.0.*key/,
    );
    expect(() => createSearchServer({ collection, directory, settings: { ingest: true } })).toThrow(
      /API key/,
    );
    expect(() => createSearchServer({ collection, settings: { apiKey: "short" } })).toThrow(/16/);
  });
});
