import { Client } from "@elastic/elasticsearch";
import { createChunker } from "@hybrid-rag/chunking";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { createElasticsearchIndex } from "@hybrid-rag/elasticsearch";
import { createQdrantIndex } from "@hybrid-rag/qdrant";
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, describe, expect, it } from "vitest";
import { DocumentStore } from "./document-store.ts";
import { HybridCollection } from "./hybrid-collection.ts";

// Needs live servers: `docker compose up -d elasticsearch qdrant`, then
//   ELASTICSEARCH_URL=http://localhost:9200 QDRANT_URL=http://localhost:6333 pnpm test:int
const elasticsearchUrl = process.env.ELASTICSEARCH_URL;
const qdrantUrl = process.env.QDRANT_URL;
if (!elasticsearchUrl || !qdrantUrl) {
  console.warn(
    "Collection on Elasticsearch + Qdrant skipped: set ELASTICSEARCH_URL and QDRANT_URL.",
  );
}

describe.skipIf(!elasticsearchUrl || !qdrantUrl)(
  "HybridCollection on Elasticsearch + Qdrant",
  () => {
    const name = `hybrid-rag-collection-${process.pid}`;
    const sparse = createElasticsearchIndex({
      client: new Client({ node: elasticsearchUrl ?? "http://localhost:9200" }),
      index: name,
    });
    const dense = createQdrantIndex({
      client: new QdrantClient({
        url: qdrantUrl ?? "http://localhost:6333",
        checkCompatibility: false,
      }),
      collection: name,
      embedder: new HashingEmbedder(64),
    });
    afterAll(async () => {
      await Promise.all([sparse.drop(), dense.drop()]);
    });

    it("ingests, replaces and deletes with the same calls as the embedded collection", async () => {
      const collection = new HybridCollection({
        sparse,
        dense,
        store: new DocumentStore(),
        chunker: createChunker({ maxTokens: 32 }),
      });
      const text = `${"Ordinary words fill this page. ".repeat(20)}The walrus sings at dawn.`;
      expect(await collection.ingest([{ id: "doc", text }])).toMatchObject({ added: 1, failed: 0 });
      const { parents } = await collection.search("walrus dawn", { topK: 3 });
      expect(parents[0]!.parentId).toBe("doc");
      expect(await collection.ingest([{ id: "doc", text }])).toMatchObject({ unchanged: 1 });
      const chunks = collection.store.chunkCount;
      expect(await collection.deleteParent("doc")).toBe(chunks);
      expect(await sparse.count()).toBe(0);
      expect(await dense.count()).toBe(0);
    });
  },
);
