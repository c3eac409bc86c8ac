import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedCollection, openCollection } from "@hybrid-rag/collection";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSearchServer, type SearchServer } from "./search-server.ts";

// The search service over a BM25-only collection (no embedder, no model loaded anywhere).
let directory: string;
let server: SearchServer;
let url: string;
const apiKey = "test-key-0123456789abcdef";

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "search-server-bm25-only-"));
  const built = createEmbeddedCollection({});
  await built.ingest([
    { id: "coast.md", source: "notes/coast.md", text: "A pelican stood on the northern jetty." },
    { id: "kitchen.md", source: "notes/kitchen.md", text: "Lemon cake needs three eggs." },
  ]);
  await built.save(directory);
  const collection = await openCollection(directory);
  server = createSearchServer({
    collection,
    directory,
    settings: { port: 0, apiKey, ingest: true, logLevel: "silent" },
  });
  url = await server.listen();
});

afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("hybrid-rag serve over a BM25-only collection", () => {
  it("searches with BM25 alone and ingests into BM25 and the store", async () => {
    const search = await post("/v1/search", { query: "pelican jetty", top_k: 2 });
    expect(search.status).toBe(200);
    const passages = search.body.passages as Array<Record<string, unknown>>;
    expect(passages[0]).toMatchObject({ parentId: "coast.md", rank: 1 });
    expect(Object.keys((passages[0]!.provenance as { retrievers: object }).retrievers)).toEqual([
      "bm25",
    ]);
    const ingest = await post("/v1/documents", {
      documents: [{ id: "tides.md", text: "The moon pulls the tides twice a day." }],
    });
    expect(ingest).toMatchObject({ status: 200, body: { version: 2, added: 1, failed: 0 } });
    const reopened = await openCollection(directory);
    expect(reopened.dense).toBeUndefined();
    expect((await reopened.search("moon tides")).parents[0]!.parentId).toBe("tides.md");
  });
});
