import type { Embedder } from "@hybrid-rag/core";
import { createVectorIndex, type VectorIndexOptions } from "@hybrid-rag/vector-index";
import { measureQueries, recallAtK, type Throughput } from "./timing.ts";

export interface BackendResult extends Throughput {
  readonly name: string;
  readonly recall: number;
  readonly buildSeconds: number;
  /** Resident memory growth over the build (native and WebAssembly memory included). */
  readonly memoryBytes: number;
}

const collect = () => (globalThis as { gc?: () => void }).gc?.();

/** The non-default configurations of @hybrid-rag/vector-index, against the exact results. */
export const ourBackends: Record<string, Partial<VectorIndexOptions>> = {
  "vector-index int8 + float32 rescoring (100)": { quantization: "int8" },
  "vector-index HNSW backend (usearch, M=16, ef=128, 64 rescored)": { backend: "hnsw" },
};

export async function measureBackend(
  name: string,
  options: Partial<VectorIndexOptions>,
  embedder: Embedder,
  size: number,
  queryCount: number,
  query: (i: number) => Float32Array,
  topK: number,
  truth: readonly number[][],
  rounds = 1,
): Promise<BackendResult> {
  collect();
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const index = createVectorIndex({
    embedder,
    metric: "dot",
    embedBatchSize: 10_000,
    initialCapacity: size,
    ...options,
  });
  await index.upsert(
    Array.from({ length: size }, (_, i) => ({
      id: `${i}`,
      text: `${i}`,
      metadata: { bucket: i % 10 },
    })),
  );
  const buildSeconds = (performance.now() - started) / 1000;
  collect();
  const memoryBytes = process.memoryUsage().rss - before;
  const found: number[][] = [];
  const measured = measureQueries(
    queryCount,
    (i) => {
      found[i] = index
        .searchByVector(query(i), { topK, includeDocuments: false })
        .map((hit) => Number(hit.id));
    },
    rounds,
  );
  return { name, ...measured, recall: recallAtK(truth, found), buildSeconds, memoryBytes };
}
