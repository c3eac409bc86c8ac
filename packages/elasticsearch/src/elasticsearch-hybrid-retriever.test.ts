import {
  contractCorpus,
  expectErrorCode,
  HashingEmbedder,
  runRetrieverContract,
} from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { createElasticsearchHybridRetriever } from "./elasticsearch-hybrid-retriever.ts";
import { fakeElasticsearchIndex } from "./testing/fake-client.ts";
import { responseError } from "./testing/fake-elasticsearch.ts";

const dense = { embedder: new HashingEmbedder(64) };

for (const fusion of [
  { method: "rrf" as const },
  { method: "linear" as const, weights: { bm25: 1, dense: 2 } },
]) {
  runRetrieverContract({
    name: `Elasticsearch server-side hybrid (${fusion.method}, mock)`,
    create: async () => {
      const { store } = fakeElasticsearchIndex({ dense });
      const retriever = createElasticsearchHybridRetriever(store, { fusion });
      return { retriever, index: store, close: () => store.drop() };
    },
  });
}

describe("ElasticsearchHybridRetriever", () => {
  it("maps our fusion options onto the rrf and linear retrievers", async () => {
    const { fake, store } = fakeElasticsearchIndex({ dense });
    await store.upsert(contractCorpus);
    const created = fake.requests.find((request) => request.method === "PUT")?.body as {
      mappings: { properties: Record<string, unknown> };
    };
    expect(created.mappings.properties.vector).toEqual({
      type: "dense_vector",
      dims: 64,
      index: true,
      similarity: "cosine",
      // Explicit: Elasticsearch 9.1+ would otherwise quantise (int8_hnsw / bbq_hnsw).
      index_options: { type: "hnsw" },
    });

    await createElasticsearchHybridRetriever(store, {
      fusion: { method: "rrf", k: 61 },
      rankWindow: 50,
    }).retrieve("solar", {
      topK: 5,
      filter: { lang: "en" },
    });
    const rrf = (fake.requests.at(-1)!.body as { retriever: { rrf: Record<string, unknown> } })
      .retriever.rrf;
    expect(rrf).toMatchObject({
      rank_constant: 61,
      rank_window_size: 50,
      retrievers: [
        { standard: { query: { bool: { filter: [{ term: { "metadata.lang": "en" } }] } } } },
        {
          knn: {
            field: "vector",
            k: 50,
            num_candidates: 50,
            filter: { bool: { filter: [{ term: { "metadata.lang": "en" } }] } },
          },
        },
      ],
    });

    await createElasticsearchHybridRetriever(store, {
      fusion: { method: "linear", normalizer: "l2_norm", weights: { bm25: 0.3, dense: 0.7 } },
    }).retrieve("solar", { topK: 5 });
    const linear = (
      fake.requests.at(-1)!.body as { retriever: { linear: { retrievers: unknown[] } } }
    ).retriever.linear;
    expect(linear.retrievers).toMatchObject([
      { weight: 0.3, normalizer: "l2_norm", retriever: { standard: {} } },
      { weight: 0.7, normalizer: "l2_norm", retriever: { knn: {} } },
    ]);
  });

  it("needs an index with dense vectors", () => {
    const { store } = fakeElasticsearchIndex();
    expect(() => createElasticsearchHybridRetriever(store)).toThrow(/dense/);
  });

  it("explains the licence when the cluster refuses the retriever", async () => {
    const { fake, store } = fakeElasticsearchIndex({ dense });
    await store.upsert(contractCorpus);
    fake.requestFault = (path) =>
      path.endsWith("/_search")
        ? responseError(403, "security_exception", "current license is non-compliant for [rrf]")
        : undefined;
    const hybrid = createElasticsearchHybridRetriever(store);
    await expectErrorCode(hybrid.retrieve("solar", { topK: 3 }), "permission-denied");
    await expect(hybrid.retrieve("solar", { topK: 3 })).rejects.toThrow(
      /Enterprise or trial licence/,
    );
  });
});
