import { Int8Rows } from "./int8-rows.ts";
import type { VectorMetric } from "./metric.ts";
import { TopKHeap } from "./top-k-heap.ts";
import { WasmScanner } from "./wasm-scanner.ts";

const scoreBlock = 4096;

/** Int8 quantised search: how many candidates the int8 scan hands to float32 rescoring. */
export interface Int8Search {
  /** At least this many candidates (and at least 4 × topK) are rescored with float32. */
  readonly rescoreCandidates: number;
}

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
  #slotById = new Map<string, number>();
  readonly #int8: Int8Rows | undefined;
  readonly #int8Search: Int8Search | undefined;

  constructor(
    dimension: number,
    metric: VectorMetric,
    initialCapacity = 1024,
    int8Search?: Int8Search,
  ) {
    this.dimension = dimension;
    this.metric = metric;
    this.#scanner = new WasmScanner(dimension, scoreBlock, Math.max(1, initialCapacity));
    this.#rows = this.#scanner.rows();
    this.#int8Search = int8Search;
    this.#int8 = int8Search ? new Int8Rows(dimension, scoreBlock, initialCapacity) : undefined;
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

  /** A copy of one slot's vector (`dimension` floats). */
  vectorAt(slot: number): Float32Array {
    const start = slot * this.#scanner.stride;
    return this.#rows.slice(start, start + this.dimension);
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

  slotOf(id: string): number | undefined {
    return this.#slotById.get(id);
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
    this.#int8?.set(slot, vector);
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
      this.#int8?.move(last, slot);
    }
    this.#rows.fill(0, last * stride, (last + 1) * stride);
    this.#int8?.clear(last);
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
    if (!candidateSlots && this.#int8 && this.#int8Search) {
      const depth = Math.max(this.#int8Search.rescoreCandidates, 4 * topK);
      if (depth < count) return this.#searchInt8(query, heap, depth, this.#int8);
    }
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

  /**
   * Quantised search: the int8 scan keeps the `depth` best approximate scores, then those
   * candidates are rescored exactly with the float32 kernel (the scores returned are exact;
   * only a true neighbour ranked below `depth` by the approximation can be missed).
   */
  #searchInt8(
    query: Float32Array,
    heap: TopKHeap,
    depth: number,
    int8: Int8Rows,
  ): Array<{ score: number; slot: number }> {
    const count = this.size;
    const candidates = new TopKHeap(depth, (slotA, slotB) => slotA < slotB);
    const queryScale = int8.loadQuery(query);
    const { scales, squaredLengths, sums } = int8;
    const l2 = this.metric === "l2";
    for (let start = 0; start < count; start += scoreBlock) {
      const products = int8.score(start, Math.min(scoreBlock, count - start));
      let threshold = candidates.threshold;
      for (let position = 0; position < products.length; position++) {
        const slot = start + position;
        const dot = (products[position]! - 64 * sums[slot]!) * scales[slot]! * queryScale;
        // For l2, −‖v − q‖² up to the query's constant ‖q‖²: the same order as −‖v − q‖.
        const approximate = l2 ? 2 * dot - squaredLengths[slot]! : dot;
        if (approximate < threshold) continue;
        candidates.offer(approximate, slot);
        threshold = candidates.threshold;
      }
    }
    const slots = Int32Array.from(candidates.takeSorted(), (candidate) => candidate.slot);
    const exact = new Float32Array(slots.length);
    this.#scanner.loadQuery(query);
    this.#scanner.scoreSlots(this.metric === "l2" ? "l2" : "dot", slots, exact);
    offerAll(heap, exact, (position) => slots[position]!);
    return heap.takeSorted();
  }

  /**
   * Loading a file, step 1: an empty store with room for `count` rows, and the bytes where
   * those rows (`dimension` float32 each, packed) are to be read — the WebAssembly memory
   * itself, so the file is read once, with no copy and no per-element work in JavaScript.
   * Step 2 is `adoptLoadedRows`.
   */
  static forLoading<Payload>(
    dimension: number,
    metric: VectorMetric,
    count: number,
    int8Search?: Int8Search,
  ): { store: VectorStore<Payload>; rowBytes: Uint8Array; int8Targets: Uint8Array[] | undefined } {
    const store = new VectorStore<Payload>(dimension, metric, count, int8Search);
    const rows = store.#rows;
    return {
      store,
      rowBytes: new Uint8Array(rows.buffer, rows.byteOffset, count * dimension * 4),
      // Stored int8 rows are read rather than requantised (measured faster: see the README).
      int8Targets: store.#int8?.loadingTargets(count),
    };
  }

  /** Loading, when the file's int8 rows were read into `int8Targets`: checks them (see Int8Rows). */
  adoptLoadedInt8(count: number): string | undefined {
    return this.#int8?.adoptLoaded(count);
  }

  /** The int8 rows as a file stores them (undefined without int8 quantisation). */
  get savedInt8Parts(): Uint8Array[] | undefined {
    return this.#int8?.savedParts(this.size);
  }

  /**
   * Loading, step 2: spreads the packed rows to the SIMD stride (when it differs from the
   * dimension) and checks every component is finite with one pass of the SIMD kernel: a zero
   * query scores 0 for a finite row and NaN for a row holding NaN or ±Infinity. Returns the
   * first non-finite component, or takes the ids and payloads (`slotById`: id → slot, already
   * checked for repeats; the store keeps it) and rebuilds the int8 rows when quantised and the
   * file had none (`int8Loaded` false).
   */
  adoptLoadedRows(
    ids: string[],
    payloads: Payload[],
    slotById: Map<string, number>,
    int8Loaded = false,
  ): { slot: number; position: number; value: number } | undefined {
    const count = ids.length;
    const { stride } = this.#scanner;
    const rows = this.#rows;
    const dimension = this.dimension;
    if (stride !== dimension) {
      // Backwards, so a row is moved before the one below it overwrites its source.
      for (let slot = count - 1; slot >= 0; slot--) {
        rows.copyWithin(slot * stride, slot * dimension, (slot + 1) * dimension);
        rows.fill(0, slot * stride + dimension, (slot + 1) * stride);
      }
    }
    this.#scanner.loadQuery(new Float32Array(dimension));
    for (let start = 0; start < count; start += scoreBlock) {
      const scores = this.#scanner.score("dot", start, Math.min(scoreBlock, count - start));
      for (let position = 0; position < scores.length; position++) {
        if (scores[position] === 0) continue;
        const slot = start + position;
        const row = rows.subarray(slot * stride, slot * stride + dimension);
        const bad = row.findIndex((value) => !Number.isFinite(value));
        return { slot, position: bad, value: row[bad]! };
      }
    }
    this.#ids = ids;
    this.#payloads = payloads;
    this.#slotById = slotById;
    if (this.#int8 && !int8Loaded) {
      for (let slot = 0; slot < count; slot++) {
        this.#int8.set(slot, rows.subarray(slot * stride, slot * stride + dimension));
      }
    }
    return undefined;
  }

  /** The live vectors in slot order as bytes (`dimension` float32 each): what a file stores. */
  get packedRowBytes(): Uint8Array {
    const vectors = this.vectors;
    return new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  }

  /** Builds a store from saved parts (used when loading a version-1 file). */
  static fromParts<Payload>(
    dimension: number,
    metric: VectorMetric,
    vectors: Float32Array,
    ids: string[],
    payloads: Payload[],
    int8Search?: Int8Search,
  ): VectorStore<Payload> {
    const store = new VectorStore<Payload>(dimension, metric, ids.length, int8Search);
    const { stride } = store.#scanner;
    for (let slot = 0; slot < ids.length; slot++) {
      const vector = vectors.subarray(slot * dimension, (slot + 1) * dimension);
      store.#rows.set(vector, slot * stride);
      store.#int8?.set(slot, vector);
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
