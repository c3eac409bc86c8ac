import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { HybridRagError } from "@hybrid-rag/core";
import type { VectorMetric } from "./metric.ts";

type Usearch = typeof import("usearch");
type UsearchIndex = InstanceType<Usearch["Index"]>;

export interface HnswSettings {
  /** Graph degree M (usearch `connectivity`). */
  readonly connectivity: number;
  /** Candidate list size while inserting (efConstruction). */
  readonly expansionAdd: number;
  /** Candidate list size while searching (ef). */
  readonly expansionSearch: number;
  /** How the graph stores its own copy of the vectors (scores are rescored from float32). */
  readonly vectorType: "f32" | "f16" | "i8";
  /** Native threads inserting a batch (default: the machine's cores). */
  readonly buildThreads?: number | undefined;
}

/** usearch is an optional dependency: loaded only when an HNSW index is created. */
function loadUsearch(): Usearch {
  try {
    return createRequire(import.meta.url)("usearch") as Usearch;
  } catch (error) {
    throw new HybridRagError(
      "unsupported",
      `the HNSW backend needs the optional dependency usearch, which could not be loaded (${(error as Error).message.split("\n")[0]}). Install it next to @hybrid-rag/vector-index (pnpm add usearch) or use backend "exact".`,
      { cause: error },
    );
  }
}

/**
 * An approximate nearest-neighbour graph (HNSW, from the usearch native library) over the
 * same vectors as the exact store, keyed by document id. It only proposes candidates: the
 * index rescores them with the exact float32 kernel, so returned scores are exact.
 */
export class HnswGraph {
  readonly #index: UsearchIndex;
  readonly #keyById = new Map<string, bigint>();
  readonly #idByKey = new Map<bigint, string>();
  #nextKey = 0n;
  readonly #buildThreads: number;

  constructor(dimension: number, metric: VectorMetric, settings: HnswSettings) {
    const usearch = loadUsearch();
    this.#buildThreads = settings.buildThreads ?? availableParallelism();
    // Cosine vectors are stored normalised, so inner product ranks them the same way.
    const metricKind = metric === "l2" ? usearch.MetricKind.L2sq : usearch.MetricKind.IP;
    const quantization = {
      f32: usearch.ScalarKind.F32,
      f16: usearch.ScalarKind.F16,
      i8: usearch.ScalarKind.I8,
    }[settings.vectorType];
    this.#index = new usearch.Index({
      dimensions: dimension,
      metric: metricKind,
      quantization,
      connectivity: settings.connectivity,
      expansion_add: settings.expansionAdd,
      expansion_search: settings.expansionSearch,
      multi: false,
    });
  }

  get size(): number {
    return this.#keyById.size;
  }

  /** Writes the graph (usearch's own format) to `path`. */
  save(path: string): void {
    this.#index.save(path);
  }

  /** Each slot's key in the graph (`ids` in slot order), as a saved index file records them. */
  keysOf(ids: readonly string[]): BigUint64Array {
    return BigUint64Array.from(ids, (id) => this.#keyById.get(id)!);
  }

  /**
   * A graph saved by `save`, read back by usearch without rebuilding it; `keys[slot]` is the
   * key of `ids[slot]`. Fails with `corrupt-data` when usearch cannot read it or it does not
   * hold exactly these vectors (its size, dimension or keys differ).
   */
  static load(
    path: string,
    dimension: number,
    metric: VectorMetric,
    settings: HnswSettings,
    ids: readonly string[],
    keys: BigUint64Array,
  ): HnswGraph {
    const graph = new HnswGraph(dimension, metric, settings);
    const mismatch = (problem: string) =>
      new HybridRagError(
        "corrupt-data",
        `${path} is not the HNSW graph of these vectors: ${problem}. Delete it to rebuild the graph from the vectors, or save the index again.`,
      );
    try {
      graph.#index.load(path);
    } catch (error) {
      throw mismatch(`usearch could not read it (${(error as Error).message})`);
    }
    if (graph.#index.dimensions() !== dimension || graph.#index.size() !== ids.length) {
      throw mismatch(
        `it holds ${graph.#index.size()} vectors of dimension ${graph.#index.dimensions()}, the index ${ids.length} of dimension ${dimension}`,
      );
    }
    let nextKey = 0n;
    for (let slot = 0; slot < ids.length; slot++) {
      const key = keys[slot]!;
      graph.#keyById.set(ids[slot]!, key);
      graph.#idByKey.set(key, ids[slot]!);
      if (key >= nextKey) nextKey = key + 1n;
    }
    if (graph.#idByKey.size !== ids.length) throw mismatch("its keys repeat");
    graph.#nextKey = nextKey;
    return graph;
  }

  /** Adds a batch (replacing ids already in the graph); `vectors` holds them row after row. */
  addAll(ids: readonly string[], vectors: Float32Array): void {
    if (ids.length === 0) return;
    const keys = new BigUint64Array(ids.length);
    ids.forEach((id, position) => {
      this.remove(id);
      const key = this.#nextKey++;
      keys[position] = key;
      this.#keyById.set(id, key);
      this.#idByKey.set(key, id);
    });
    this.#index.add(keys, vectors, this.#buildThreads);
  }

  remove(id: string): void {
    const key = this.#keyById.get(id);
    if (key === undefined) return;
    this.#index.remove(key);
    this.#keyById.delete(id);
    this.#idByKey.delete(key);
  }

  /** Up to `count` approximate nearest ids, best first. */
  search(query: Float32Array, count: number): string[] {
    const found = this.#index.search(query, Math.min(count, this.size), 1);
    const ids: string[] = [];
    for (const key of found.keys) {
      const id = this.#idByKey.get(key);
      if (id !== undefined) ids.push(id);
    }
    return ids;
  }
}
