import { HybridRagError } from "@hybrid-rag/core";
import type { ElasticsearchIndex } from "@hybrid-rag/elasticsearch";
import { buildDenseRetriever, buildSparseRetriever } from "@hybrid-rag/pipeline";
import type { QdrantIndex } from "@hybrid-rag/qdrant";
import { createEmbeddedEngines } from "./embedded-engines.ts";
import type { EngineSettings } from "./engine-settings.ts";
import type { BenchmarkEngines } from "./engines.ts";
import { loadEmbedder } from "./model-engines.ts";

/** Index and collection the benchmark owns: dropped and recreated at the start of each run. */
export const benchmarkIndexName = "hybrid-rag-bench-bm25";
export const benchmarkCollectionName = "hybrid-rag-bench-dense";

/**
 * Elasticsearch for BM25 (one shard, the same analyzers and k1/b, so scores equal the embedded
 * engine's) and Qdrant for dense vectors; the reranker runs in process as with `embedded`.
 */
export function createServerEngines(settings: EngineSettings): BenchmarkEngines {
  const embedded = createEmbeddedEngines(settings);
  return {
    ...embedded,
    backend: "servers",
    async createSparse() {
      const node = required(
        settings.elasticsearchUrl,
        "--elasticsearch-url",
        "http://localhost:9200",
      );
      const { analyzer, k1, b } = settings;
      const built = await buildSparseRetriever({
        engine: "elasticsearch",
        url: node,
        index: benchmarkIndexName,
        analyzer,
        k1,
        b,
      });
      const index = built.retriever as ElasticsearchIndex;
      await index.drop();
      await index.ensureIndex();
      return {
        value: index,
        configuration: {
          engine: "@hybrid-rag/elasticsearch",
          node,
          index: benchmarkIndexName,
          analyzer,
          k1,
          b,
          shards: 1,
        },
      };
    },
    async createDense() {
      const url = required(settings.qdrantUrl, "--qdrant-url", "http://localhost:6333");
      const embedder = await loadEmbedder(settings);
      const built = await buildDenseRetriever(
        { engine: "qdrant", url, collection: benchmarkCollectionName, metric: "cosine" },
        embedder.value,
        64,
      );
      const collection = built.retriever as QdrantIndex;
      await collection.drop();
      await collection.ensureCollection();
      return {
        value: collection,
        ...(embedder.close ? { close: embedder.close } : {}),
        configuration: {
          engine: "@hybrid-rag/qdrant (HNSW, cosine) + @hybrid-rag/embeddings (onnxruntime)",
          url,
          collection: benchmarkCollectionName,
          ...embedder.configuration,
        },
      };
    },
  };
}

function required(value: string | undefined, option: string, example: string): string {
  if (value) return value;
  throw new HybridRagError(
    "unavailable",
    `--backend servers needs ${option} (e.g. ${option} ${example}; \`docker compose up -d\` starts one).`,
  );
}
