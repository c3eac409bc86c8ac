import { HybridRagError } from "@hybrid-rag/core";
import { createEmbeddedEngines } from "./embedded-engines.ts";
import type { EngineSettings } from "./engine-settings.ts";
import type { BenchmarkEngines } from "./engines.ts";

/**
 * Elasticsearch for BM25 and Qdrant for dense vectors; the reranker stays in process or remote.
 * The server adapters are not part of this build yet, so the retrievers report why they are
 * unavailable and the configurations that need them are skipped.
 */
export function createServerEngines(settings: EngineSettings): BenchmarkEngines {
  const embedded = createEmbeddedEngines(settings);
  return {
    ...embedded,
    backend: "servers",
    async createSparse() {
      throw new HybridRagError(
        "unsupported",
        `--backend servers: the Elasticsearch retriever is not available in this build (${settings.elasticsearchUrl ?? "no --elasticsearch-url"}); use --backend embedded.`,
      );
    },
    async createDense() {
      throw new HybridRagError(
        "unsupported",
        `--backend servers: the Qdrant retriever is not available in this build (${settings.qdrantUrl ?? "no --qdrant-url"}); use --backend embedded.`,
      );
    },
  };
}
