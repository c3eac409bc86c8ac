import { createRequire } from "node:module";
import { join } from "node:path";

export interface AnnPeer {
  readonly name: string;
  build(vectors: Float32Array, count: number, dimension: number): void;
  search(query: Float32Array, topK: number): number[];
}

export interface ExactPeer {
  readonly name: string;
  search(
    vectors: Float32Array,
    count: number,
    dimension: number,
    query: Float32Array,
    topK: number,
  ): number[];
}

type Usearch = typeof import("usearch");

/** usearch (prebuilt N-API binary, a workspace dependency): HNSW and SIMD exact search, one thread. */
export async function usearchPeers(): Promise<{ ann: AnnPeer; exact: ExactPeer }> {
  const usearch: Usearch = await import("usearch");
  let index: InstanceType<Usearch["Index"]> | undefined;
  return {
    ann: {
      name: "usearch HNSW (M=16, ef=64)",
      build(vectors, count, dimension) {
        index = new usearch.Index({
          dimensions: dimension,
          metric: usearch.MetricKind.IP,
          connectivity: 16,
          expansion_add: 128,
          expansion_search: 64,
        } as never);
        const keys = new BigUint64Array(count);
        for (let i = 0; i < count; i++) keys[i] = BigInt(i);
        index.add(keys, vectors, 1);
      },
      search(query, topK) {
        return Array.from(index!.search(query, topK, 1).keys, Number);
      },
    },
    exact: {
      name: "usearch exactSearch (SIMD)",
      search(vectors, count, dimension, query, topK) {
        void count;
        const matches = usearch.exactSearch(
          vectors,
          query,
          dimension,
          topK,
          usearch.MetricKind.IP,
          1,
        );
        return Array.from(matches.keys, Number);
      },
    },
  };
}

interface HierarchicalNsw {
  initIndex(maxElements: number, m?: number, efConstruction?: number, randomSeed?: number): void;
  addPoint(point: number[], label: number): void;
  setEf(ef: number): void;
  searchKnn(query: number[], k: number): { neighbors: number[] };
}

/**
 * hnswlib-node compiles C++ at install time, which CI does not allow, so it is loaded from a
 * directory you install it into (`npm install --prefix <dir> hnswlib-node`), if given.
 */
export function hnswlibPeer(peerDirectory: string | undefined): AnnPeer | string {
  if (!peerDirectory)
    return "hnswlib-node: not measured (pass --peer-dir <dir with node_modules/hnswlib-node>)";
  let module: { HierarchicalNSW: new (space: string, dimension: number) => HierarchicalNsw };
  try {
    module = createRequire(join(peerDirectory, "index.js"))("hnswlib-node");
  } catch (error) {
    return `hnswlib-node: could not be loaded from ${peerDirectory} (${(error as Error).message.split("\n")[0]})`;
  }
  let index: HierarchicalNsw | undefined;
  return {
    name: "hnswlib-node HNSW (M=16, ef=64)",
    build(vectors, count, dimension) {
      index = new module.HierarchicalNSW("ip", dimension);
      index.initIndex(count, 16, 128, 100);
      for (let i = 0; i < count; i++)
        index.addPoint(Array.from(vectors.subarray(i * dimension, (i + 1) * dimension)), i);
      index.setEf(64);
    },
    search(query, topK) {
      // hnswlib-node takes plain arrays only; the conversion is part of its cost per query.
      return index!.searchKnn(Array.from(query), topK).neighbors;
    },
  };
}
