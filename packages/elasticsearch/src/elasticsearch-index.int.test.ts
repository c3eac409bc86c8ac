import { Client } from "@elastic/elasticsearch";
import { createBm25Index } from "@hybrid-rag/bm25";
import { runRetrieverContract } from "@hybrid-rag/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createElasticsearchIndex, type ElasticsearchIndex } from "./elasticsearch-index.ts";
import { readScifact } from "./testing/scifact.ts";

// Needs a live Elasticsearch: `docker compose up -d elasticsearch`, then
//   ELASTICSEARCH_URL=http://localhost:9200 pnpm test:int
const url = process.env.ELASTICSEARCH_URL;
if (!url)
  console.warn(
    "Elasticsearch integration tests skipped: set ELASTICSEARCH_URL (e.g. http://localhost:9200).",
  );

describe.skipIf(!url)("Elasticsearch (live server at ELASTICSEARCH_URL)", () => {
  const client = new Client({ node: url ?? "http://localhost:9200" });
  const created: ElasticsearchIndex[] = [];
  let counter = 0;
  const fresh = (options: Partial<Parameters<typeof createElasticsearchIndex>[0]> = {}) => {
    const store = createElasticsearchIndex({
      client,
      index: `hybrid-rag-test-${process.pid}-${counter++}`,
      ...options,
    });
    created.push(store);
    return store;
  };
  afterAll(async () => {
    await Promise.all(created.map((store) => store.drop()));
    await client.close();
  });

  runRetrieverContract({
    name: "Elasticsearch (live)",
    timeoutMs: 60_000,
    create: async () => {
      const store = fresh();
      return { retriever: store, index: store, close: () => store.drop() };
    },
  });

  for (const analyzer of ["standard", "english"] as const) {
    it(`ranks SciFact like the embedded BM25 (${analyzer}): ≥ 99.5 % identical top-100`, {
      timeout: 600_000,
    }, async () => {
      const { documents, queries } = await readScifact();
      // One bulk request at a time keeps Lucene's document order equal to the input order,
      // which is how both engines break score ties.
      const store = fresh({ analyzer, bulk: { concurrency: 1 } });
      const report = await store.upsert(documents);
      expect(report.failed).toEqual([]);
      const embedded = createBm25Index({ analyzer });
      await embedded.upsert(documents);

      let positions = 0;
      let identical = 0;
      let worstScoreDifference = 0;
      for (const query of queries) {
        const [server, local] = await Promise.all([
          store.retrieve(query, { topK: 100, includeDocuments: false }),
          embedded.retrieve(query, { topK: 100, includeDocuments: false }),
        ]);
        const length = Math.max(server.length, local.length);
        positions += length;
        for (let rank = 0; rank < length; rank++) {
          if (server[rank]?.id === local[rank]?.id) identical++;
          if (server[rank] && local[rank]) {
            worstScoreDifference = Math.max(
              worstScoreDifference,
              Math.abs(server[rank]!.score - local[rank]!.score),
            );
          }
        }
      }
      console.log(
        `SciFact ${analyzer}: ${identical}/${positions} top-100 positions identical (${((identical / positions) * 100).toFixed(3)} %), largest score difference ${worstScoreDifference}`,
      );
      expect(identical / positions).toBeGreaterThanOrEqual(0.995);
    });
  }
});
