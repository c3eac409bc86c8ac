import {
  contractCorpus,
  HashingEmbedder,
  runRetrieverContract,
  simpleTokens,
} from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QdrantHybridOptions } from "./qdrant-hybrid-retriever.ts";
import { createQdrantHybridRetriever } from "./qdrant-hybrid-retriever.ts";
import { createQdrantIndex } from "./qdrant-index.ts";
import { bm25SparseEncoder } from "./sparse-encoder.ts";
import { QdrantStub } from "./testing/qdrant-stub.ts";

const stub = new QdrantStub();
let url = "";
let counter = 0;
beforeAll(async () => {
  url = await stub.start();
});
afterAll(async () => {
  expect(stub.violations, "requests that break Qdrant's documented API").toEqual([]);
  await stub.close();
});

const sparse = { encoder: bm25SparseEncoder({ analyze: simpleTokens, averageLength: 10 }) };
const hybridStore = () =>
  createQdrantIndex({
    url,
    collection: `hybrid-${counter++}`,
    embedder: new HashingEmbedder(64),
    sparse,
  });

// The dense retriever keeps working on a collection with named dense + sparse vectors.
runRetrieverContract({
  name: "Qdrant adapter on a dense + sparse collection (loopback stub)",
  create: async () => {
    const store = hybridStore();
    return { retriever: store, index: store, close: () => store.drop() };
  },
});

const fusions: QdrantHybridOptions["fusion"][] = [
  { method: "rrf", k: 60 },
  { method: "rrf" },
  { method: "dbsf" },
];
for (const fusion of fusions) {
  runRetrieverContract({
    name: `Qdrant server-side hybrid (${JSON.stringify(fusion)}, loopback stub)`,
    create: async () => {
      const store = hybridStore();
      const retriever = createQdrantHybridRetriever(store, fusion ? { fusion } : {});
      return { retriever, index: store, close: () => store.drop() };
    },
  });
}

describe("QdrantHybridRetriever", () => {
  it("creates named dense + IDF sparse vectors and sends prefetch + fusion", async () => {
    const store = hybridStore();
    await store.upsert(contractCorpus);
    const created = stub.requests.find(
      (request) => request.method === "PUT" && request.path === `/collections/${store.collection}`,
    );
    expect(created?.body).toEqual({
      vectors: { dense: { size: 64, distance: "Cosine" } },
      sparse_vectors: { bm25: { modifier: "idf" } },
    });
    await createQdrantHybridRetriever(store, {
      fusion: { method: "rrf", k: 60 },
      prefetchLimit: 40,
    }).retrieve("solar panels", {
      topK: 5,
      filter: { lang: "en" },
    });
    const query = stub.requests.at(-1)!.body as Record<string, unknown>;
    const filter = { must: [{ key: "metadata.lang", match: { value: "en" } }] };
    expect(query).toMatchObject({
      prefetch: [
        { using: "dense", limit: 40, filter },
        { using: "bm25", limit: 40, filter, query: sparse.encoder.encodeQuery("solar panels") },
      ],
      // Our k = 60 on 1-based ranks is Qdrant's k = 61 on 0-based positions.
      query: { rrf: { k: 61 } },
      limit: 5,
    });
  });

  it("needs a collection with sparse vectors", () => {
    const store = createQdrantIndex({
      url,
      collection: "dense-only",
      embedder: new HashingEmbedder(8),
    });
    expect(() => createQdrantHybridRetriever(store)).toThrow(/sparse/);
  });
});

describe("bm25SparseEncoder", () => {
  it("weights document terms by BM25's term-frequency part and queries by presence", () => {
    const encoder = bm25SparseEncoder({
      analyze: simpleTokens,
      k1: 1.2,
      b: 0.75,
      averageLength: 4,
    });
    const document = encoder.encodeDocument("fox fox dog cat");
    expect(document.indices).toHaveLength(3);
    const norm = 1.2 * (1 - 0.75 + (0.75 * 4) / 4);
    const weights = [...document.values].sort((a, b) => a - b);
    expect(weights[2]).toBeCloseTo((2 * 2.2) / (2 + norm), 10);
    expect(weights[0]).toBeCloseTo(2.2 / (1 + norm), 10);
    expect(encoder.encodeQuery("fox fox dog")).toEqual({
      indices: encoder.encodeQuery("dog fox").indices,
      values: [1, 1],
    });
  });
});
