import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { HashingEmbedder, runRetrieverContract } from "@hybrid-rag/core/testing";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, describe, expect, it } from "vitest";
import { createQdrantIndex, type QdrantIndex } from "./qdrant-index.ts";

// Needs a live Qdrant: `docker compose up -d qdrant`, then
//   QDRANT_URL=http://localhost:6333 pnpm test:int
const url = process.env.QDRANT_URL;
if (!url)
  console.warn("Qdrant integration tests skipped: set QDRANT_URL (e.g. http://localhost:6333).");

const scifact = join(import.meta.dirname, "..", "..", "..", "..", "shared", "datasets", "scifact");

describe.skipIf(!url)("Qdrant (live server at QDRANT_URL)", () => {
  const client = new QdrantClient({
    url: url ?? "http://localhost:6333",
    checkCompatibility: false,
  });
  const created: QdrantIndex[] = [];
  let counter = 0;
  const fresh = (options: Partial<Parameters<typeof createQdrantIndex>[0]> = {}) => {
    const store = createQdrantIndex({
      client,
      collection: `hybrid-rag-test-${process.pid}-${counter++}`,
      embedder: new HashingEmbedder(128),
      ...options,
    });
    created.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(created.map((store) => store.drop()));
  });

  runRetrieverContract({
    name: "Qdrant (live)",
    timeoutMs: 60_000,
    create: async () => {
      const store = fresh();
      return { retriever: store, index: store, close: () => store.drop() };
    },
  });

  it("finds the same SciFact neighbours as the embedded exact index (exact search)", {
    timeout: 600_000,
  }, async () => {
    const lines = (await readFile(join(scifact, "corpus.jsonl"), "utf8"))
      .split("\n")
      .filter(Boolean);
    const documents = lines.map((line) => {
      const record = JSON.parse(line) as { _id: string; title?: string; text: string };
      return {
        id: record._id,
        text: record.text,
        ...(record.title ? { title: record.title } : {}),
      };
    });
    const queries = (await readFile(join(scifact, "queries.jsonl"), "utf8"))
      .split("\n")
      .filter(Boolean)
      .slice(0, 200)
      .map((line) => (JSON.parse(line) as { text: string }).text);
    const embedder = new HashingEmbedder(256);
    const store = fresh({ embedder, search: { exact: true } });
    expect((await store.upsert(documents)).failed).toEqual([]);
    const embedded = createVectorIndex({ embedder });
    await embedded.upsert(documents);
    let overlap = 0;
    let total = 0;
    for (const query of queries) {
      const server = await store.retrieve(query, { topK: 10, includeDocuments: false });
      const local = new Set(
        (await embedded.retrieve(query, { topK: 10, includeDocuments: false })).map(
          (hit) => hit.id,
        ),
      );
      total += local.size;
      overlap += server.filter((hit) => local.has(hit.id)).length;
    }
    console.log(
      `SciFact dense (hashing embedder): ${overlap}/${total} top-10 neighbours shared with the embedded index`,
    );
    // Float32 scoring in Qdrant vs double in the embedded index may swap near-ties only.
    expect(overlap / total).toBeGreaterThanOrEqual(0.99);
  });
});
