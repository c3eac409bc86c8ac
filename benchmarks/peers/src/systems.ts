import type { PeerSystem, SystemEntry } from "./peer-system.ts";

// Each child process measures one system: it loads that engine's module only.
const hybridRag = () => import("./hybrid-rag-systems.ts");
const lancedb = async (mode: "fts" | "flat" | "ivf-pq" | "hybrid"): Promise<PeerSystem> =>
  (await import("./lancedb-systems.ts")).lancedbSystem(mode);
const orama = async (mode: "bm25" | "vectors" | "hybrid"): Promise<PeerSystem> =>
  (await import("./orama-systems.ts")).oramaSystem(mode);

/** Every engine and configuration the benchmark compares, in table order. */
export const systems: readonly SystemEntry[] = [
  {
    id: "hybrid-rag-bm25",
    label: "hybrid-rag BM25",
    kind: "bm25",
    create: async () => (await hybridRag()).hybridRagBm25(),
  },
  { id: "lancedb-fts", label: "LanceDB FTS", kind: "bm25", create: () => lancedb("fts") },
  { id: "orama-bm25", label: "Orama BM25", kind: "bm25", create: () => orama("bm25") },
  {
    id: "minisearch",
    label: "MiniSearch",
    kind: "bm25",
    create: async () => (await import("./minisearch-system.ts")).miniSearchSystem(),
  },
  {
    id: "flexsearch",
    label: "FlexSearch",
    kind: "bm25",
    create: async () => (await import("./flexsearch-system.ts")).flexSearchSystem(),
  },
  {
    id: "hybrid-rag-exact",
    label: "hybrid-rag exact",
    kind: "vectors",
    create: async () =>
      (await hybridRag()).hybridRagVectors({ quantization: "none", backend: "exact" }),
  },
  {
    id: "hybrid-rag-int8",
    label: "hybrid-rag int8 + rescore",
    kind: "vectors",
    create: async () =>
      (await hybridRag()).hybridRagVectors({ quantization: "int8", backend: "exact" }),
  },
  {
    id: "hybrid-rag-hnsw",
    label: "hybrid-rag HNSW",
    kind: "vectors",
    create: async () => (await hybridRag()).hybridRagVectors({ backend: "hnsw" }),
  },
  {
    id: "lancedb-flat",
    label: "LanceDB flat",
    kind: "vectors",
    create: () => lancedb("flat"),
  },
  {
    id: "lancedb-ivf-pq",
    label: "LanceDB IVF-PQ",
    kind: "vectors",
    create: () => lancedb("ivf-pq"),
  },
  {
    id: "orama-vectors",
    label: "Orama vectors",
    kind: "vectors",
    create: () => orama("vectors"),
  },
  {
    id: "hybrid-rag-hybrid",
    label: "hybrid-rag BM25 + exact, RRF",
    kind: "hybrid",
    create: async () => (await hybridRag()).hybridRagHybrid(),
  },
  {
    id: "lancedb-hybrid",
    label: "LanceDB FTS + flat, RRF",
    kind: "hybrid",
    create: () => lancedb("hybrid"),
  },
  {
    id: "orama-hybrid",
    label: "Orama hybrid",
    kind: "hybrid",
    create: () => orama("hybrid"),
  },
];
