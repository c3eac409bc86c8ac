import { createBm25Index } from "@hybrid-rag/bm25";
import type { RetrieverStage } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";

/** BM25: Elasticsearch when ELASTICSEARCH_URL is set, else the embedded engine (same scores). */
export async function buildSparseStage(config: DemoConfig): Promise<RetrieverStage> {
  if (config.elasticsearchUrl) {
    return buildElasticsearchStage(config.elasticsearchUrl, config.indexName);
  }
  return {
    component: createBm25Index({ name: "sparse", analyzer: "english" }),
    description: "BM25 (embedded, english analyzer, k1 = 1.2, b = 0.75)",
  };
}

async function buildElasticsearchStage(url: string, index: string): Promise<RetrieverStage> {
  const { createElasticsearchIndex } = await import("@hybrid-rag/elasticsearch");
  const store = createElasticsearchIndex({
    node: url,
    index,
    name: "sparse",
    analyzer: "english",
  });
  // A fresh index per start: the page shows exactly the corpus just ingested.
  await store.drop();
  return {
    component: store,
    description: `BM25 (Elasticsearch at ${url}, index ${index}, english analyzer)`,
    close: () => store.client.close(),
  };
}
