import { buildSparseRetriever } from "@hybrid-rag/pipeline";
import type { RetrieverStage } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";

/** BM25: Elasticsearch when the spec says so (ELASTICSEARCH_URL), else the embedded engine (same scores). */
export async function buildSparseStage(config: DemoConfig): Promise<RetrieverStage> {
  const { sparse } = config.spec;
  if (!sparse) {
    return {
      off: {
        reason: "the spec names no sparse retriever",
        howToEnable: 'add "sparse": { "engine": "bm25" } to the --spec file',
      },
      description: "BM25",
    };
  }
  const built = await buildSparseRetriever(sparse, {
    names: { sparse: "sparse" },
    defaultIndexName: config.indexName,
  });
  if (sparse.engine === "bm25") {
    return {
      component: built.retriever,
      description: `BM25 (embedded, ${sparse.analyzer} analyzer, k1 = ${sparse.k1}, b = ${sparse.b})`,
    };
  }
  // A fresh index per start: the page shows exactly the corpus just ingested.
  await (built.retriever as unknown as { drop(): Promise<void> }).drop();
  return {
    component: built.retriever,
    description: `BM25 (Elasticsearch at ${sparse.url}, index ${sparse.index ?? config.indexName}, ${sparse.analyzer} analyzer)`,
    close: () => built.release(),
  };
}
