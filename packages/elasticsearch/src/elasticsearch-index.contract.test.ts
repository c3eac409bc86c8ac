import { Client } from "@elastic/elasticsearch";
import { runRetrieverContract } from "@hybrid-rag/core/testing";
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
