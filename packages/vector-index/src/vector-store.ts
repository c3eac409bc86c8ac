import type { VectorMetric } from "./metric.ts";
import { TopKHeap } from "./top-k-heap.ts";

/**
 * Vectors of one dimension in a single contiguous Float32Array (slot i at i × dimension), so a
 * query is one sequential pass over memory. Deleting moves the last slot into the hole, which
 * keeps the live slots dense: no tombstones to skip and no compaction pass.
 */
export class VectorStore<Payload> {
  readonly dimension: number;
  readonly metric: VectorMetric;
  #vectors: Float32Array;
  #payloads: Payload[] = [];
  #ids: string[] = [];
  readonly #slotById = new Map<string, number>();

  constructor(dimension: number, metric: VectorMetric, initialCapacity = 1024) {
    this.dimension = dimension;
    this.metric = metric;
    this.#vectors = new Float32Array(Math.max(1, initialCapacity) * dimension);
  }

  get size(): number {
    return this.#ids.length;
  }

  /** The live vectors, slot order (a view, not a copy). */
  get vectors(): Float32Array {
    return this.#vectors.subarray(0, this.size * this.dimension);
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
      this.#ensureCapacity(slot + 1);
      this.#slotById.set(id, slot);
      this.#ids.push(id);
      this.#payloads.push(payload);
    } else {
      this.#payloads[slot] = payload;
    }
    this.#vectors.set(vector, slot * this.dimension);
  }

  delete(id: string): boolean {
    const slot = this.#slotById.get(id);
    if (slot === undefined) return false;
    const last = this.size - 1;
    if (slot !== last) {
      const lastId = this.#ids[last]!;
      this.#vectors.copyWithin(
        slot * this.dimension,
        last * this.dimension,
        (last + 1) * this.dimension,
      );
      this.#ids[slot] = lastId;
      this.#payloads[slot] = this.#payloads[last]!;
      this.#slotById.set(lastId, slot);
    }
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
    const score = this.metric === "l2" ? negativeEuclideanDistance : dotProduct;
    const vectors = this.#vectors;
    const dimension = this.dimension;
    let threshold = heap.threshold;
    for (let position = 0; position < count; position++) {
      const slot = candidateSlots ? candidateSlots[position]! : position;
      const value = score(vectors, slot * dimension, query, dimension);
      // Most candidates lose to the current k-th best: skip the heap call for them.
      if (value < threshold) continue;
      heap.offer(value, slot);
      threshold = heap.threshold;
    }
    return heap.takeSorted();
  }

  /** Replaces the whole content (used when loading a file). */
  static fromParts<Payload>(
    dimension: number,
    metric: VectorMetric,
    vectors: Float32Array,
    ids: string[],
    payloads: Payload[],
  ): VectorStore<Payload> {
    const store = new VectorStore<Payload>(dimension, metric, ids.length);
    store.#vectors.set(vectors.subarray(0, ids.length * dimension));
    store.#ids = ids;
    store.#payloads = payloads;
    ids.forEach((id, slot) => {
      store.#slotById.set(id, slot);
    });
    return store;
  }

  #ensureCapacity(slots: number): void {
    if (slots * this.dimension <= this.#vectors.length) return;
    const grown = new Float32Array(
      Math.max(slots, (this.#vectors.length / this.dimension) * 2) * this.dimension,
    );
    grown.set(this.#vectors);
    this.#vectors = grown;
  }
}

// Independent accumulators break the floating-point dependency chain so the CPU can overlap
// the multiply-adds (benchmarks/vector-index measures the scan against memory bandwidth).
function dotProduct(
  vectors: Float32Array,
  offset: number,
  query: Float32Array,
  dimension: number,
): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let i = 0;
  for (; i + 3 < dimension; i += 4) {
    sum0 += vectors[offset + i]! * query[i]!;
    sum1 += vectors[offset + i + 1]! * query[i + 1]!;
    sum2 += vectors[offset + i + 2]! * query[i + 2]!;
    sum3 += vectors[offset + i + 3]! * query[i + 3]!;
  }
  for (; i < dimension; i++) sum0 += vectors[offset + i]! * query[i]!;
  return sum0 + sum1 + sum2 + sum3;
}

function negativeEuclideanDistance(
  vectors: Float32Array,
  offset: number,
  query: Float32Array,
  dimension: number,
): number {
  let sum0 = 0;
  let sum1 = 0;
  let i = 0;
  for (; i + 1 < dimension; i += 2) {
    const difference0 = vectors[offset + i]! - query[i]!;
    const difference1 = vectors[offset + i + 1]! - query[i + 1]!;
    sum0 += difference0 * difference0;
    sum1 += difference1 * difference1;
  }
  for (; i < dimension; i++) {
    const difference = vectors[offset + i]! - query[i]!;
    sum0 += difference * difference;
  }
  return -Math.sqrt(sum0 + sum1);
}
