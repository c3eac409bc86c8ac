import type { VectorMetric } from "./metric.ts";
import { TopKHeap } from "./top-k-heap.ts";
import { WasmScanner } from "./wasm-scanner.ts";

const scoreBlock = 4096;

/**
 * Vectors of one dimension in one contiguous block of WebAssembly memory (slot i at
 * i × stride floats, rows zero-padded to the SIMD stride), so a query is one sequential SIMD
 * pass over memory. Deleting moves the last slot into the hole, which keeps the live slots
 * dense: no tombstones to skip and no compaction pass.
 */
export class VectorStore<Payload> {
  readonly dimension: number;
  readonly metric: VectorMetric;
  readonly #scanner: WasmScanner;
  #rows: Float32Array;
  #payloads: Payload[] = [];
  #ids: string[] = [];
  readonly #slotById = new Map<string, number>();

  constructor(dimension: number, metric: VectorMetric, initialCapacity = 1024) {
    this.dimension = dimension;
    this.metric = metric;
    this.#scanner = new WasmScanner(dimension, scoreBlock, Math.max(1, initialCapacity));
    this.#rows = this.#scanner.rows();
  }

  get size(): number {
    return this.#ids.length;
  }

  /** The live vectors in slot order, `dimension` floats each (without the SIMD padding). */
  get vectors(): Float32Array {
    const { stride } = this.#scanner;
    if (stride === this.dimension) return this.#rows.subarray(0, this.size * stride);
    const packed = new Float32Array(this.size * this.dimension);
    for (let slot = 0; slot < this.size; slot++) {
      packed.set(
        this.#rows.subarray(slot * stride, slot * stride + this.dimension),
        slot * this.dimension,
      );
    }
    return packed;
  }

  get ids(): readonly string[] {
    return this.#ids;
  }

  get payloads(): readonly Payload[] {
    return this.#payloads;
  }

  has(id: string): boolean {
    return this.#slotById.has(id);
  }

  /** Adds or replaces; the vector must already be normalised for cosine. */
  set(id: string, vector: Float32Array, payload: Payload): void {
    let slot = this.#slotById.get(id);
    if (slot === undefined) {
      slot = this.size;
      if (slot + 1 > this.#scanner.capacity) {
        this.#scanner.reserve(slot + 1);
        this.#rows = this.#scanner.rows();
      }
      this.#slotById.set(id, slot);
      this.#ids.push(id);
      this.#payloads.push(payload);
    } else {
      this.#payloads[slot] = payload;
    }
    // Padding floats stay zero: fresh memory is zeroed and rows only ever move whole.
    this.#rows.set(vector, slot * this.#scanner.stride);
  }

  delete(id: string): boolean {
    const slot = this.#slotById.get(id);
    if (slot === undefined) return false;
    const last = this.size - 1;
    const { stride } = this.#scanner;
    if (slot !== last) {
      const lastId = this.#ids[last]!;
      this.#rows.copyWithin(slot * stride, last * stride, (last + 1) * stride);
      this.#ids[slot] = lastId;
      this.#payloads[slot] = this.#payloads[last]!;
      this.#slotById.set(lastId, slot);
    }
    this.#rows.fill(0, last * stride, (last + 1) * stride);
    this.#ids.pop();
    this.#payloads.pop();
    this.#slotById.delete(id);
    return true;
  }

  /**
   * Exact top-k: scores every live slot (or only `candidateSlots`) against the query and keeps
   * the best in a heap. Ties go to the smaller id, as in every other retriever here.
   */
  search(
    query: Float32Array,
    topK: number,
    candidateSlots?: Int32Array,
  ): Array<{ score: number; slot: number }> {
    const count = candidateSlots ? candidateSlots.length : this.size;
    if (count === 0) return [];
    const ids = this.#ids;
    const heap = new TopKHeap(Math.min(topK, count), (slotA, slotB) => ids[slotA]! < ids[slotB]!);
    const metric = this.metric === "l2" ? "l2" : "dot";
    this.#scanner.loadQuery(query);
    if (candidateSlots) {
      // Same SIMD kernel, one row per call, so filtered and unfiltered scores are identical.
      const scores = new Float32Array(count);
      this.#scanner.scoreSlots(metric, candidateSlots, scores);
      offerAll(heap, scores, (position) => candidateSlots[position]!);
    } else {
      for (let start = 0; start < count; start += scoreBlock) {
        const scores = this.#scanner.score(metric, start, Math.min(scoreBlock, count - start));
        offerAll(heap, scores, (position) => start + position);
      }
    }
    return heap.takeSorted();
  }

  /** Builds a store from saved parts (used when loading a file). */
  static fromParts<Payload>(
    dimension: number,
    metric: VectorMetric,
    vectors: Float32Array,
    ids: string[],
    payloads: Payload[],
  ): VectorStore<Payload> {
    const store = new VectorStore<Payload>(dimension, metric, ids.length);
    const { stride } = store.#scanner;
    for (let slot = 0; slot < ids.length; slot++) {
      store.#rows.set(vectors.subarray(slot * dimension, (slot + 1) * dimension), slot * stride);
    }
    store.#ids = ids;
    store.#payloads = payloads;
    ids.forEach((id, slot) => {
      store.#slotById.set(id, slot);
    });
    return store;
  }
}

function offerAll(
  heap: TopKHeap,
  scores: Float32Array,
  slotAt: (position: number) => number,
): void {
  let threshold = heap.threshold;
  for (let position = 0; position < scores.length; position++) {
    const value = scores[position]!;
    // Most candidates lose to the current k-th best: skip the heap call for them.
    if (value < threshold) continue;
    heap.offer(value, slotAt(position));
    threshold = heap.threshold;
  }
}
