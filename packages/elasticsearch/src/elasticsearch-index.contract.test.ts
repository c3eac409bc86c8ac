import { Client } from "@elastic/elasticsearch";
import { runEmbeddingIndexContract, runRetrieverContract } from "@hybrid-rag/core/testing";
import { createElasticsearchIndex } from "./elasticsearch-index.ts";
import { FakeElasticsearch } from "./testing/fake-elasticsearch.ts";

for (const searchType of ["query_then_fetch", "dfs_query_then_fetch"] as const) {
  runRetrieverContract({
    name: `Elasticsearch adapter (${searchType}, @elastic/elasticsearch-mock)`,
    create: async () => {
      const fake = new FakeElasticsearch();
      const client = new Client({ node: "http://localhost:9200", Connection: fake.connection() });
      const store = createElasticsearchIndex({ client, index: "contract", searchType });
      return { retriever: store, index: store, close: () => store.drop() };
    },
  });
}

runEmbeddingIndexContract({
  name: "Elasticsearch adapter, dense field (@elastic/elasticsearch-mock)",
  create: async ({ embedder, embedBatchSize, passageText }) => {
    const fake = new FakeElasticsearch();
    const client = new Client({ node: "http://localhost:9200", Connection: fake.connection() });
    const store = createElasticsearchIndex({
      client,
      index: "embedding-contract",
      // l2_norm: the contract's vectors are checked by the shared path only.
      dense: {
        embedder,
        embedBatchSize,
        similarity: "l2_norm",
        ...(passageText ? { passageText } : {}),
      },
    });
    return { index: store, close: () => store.drop() };
  },
});
