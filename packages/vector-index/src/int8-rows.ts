import { scanWasmBase64 } from "./scan-wasm.ts";

const pageBytes = 65_536;
const maximumPages = 65_536; // wasm32: 4 GiB
const compiled = new WebAssembly.Module(Buffer.from(scanWasmBase64, "base64"));

type ScanFunction = (
  vectors: number,
  count: number,
  stride: number,
  query: number,
  out: number,
) => void;

/**
 * An int8 copy of a store's vectors for the candidate scan of quantised search: each row is
 * scaled by its own largest magnitude to [−127, 127] (symmetric scalar quantisation), so a
 * row is a quarter of its float32 size and the scan reads a quarter of the memory. Scores
 * from it are approximations used only to pick candidates; the float32 rows rescore them.
 *
 * Layout of its own WebAssembly memory (same module as the float scan, its `dotInt8` kernel):
 * [query: stride bytes][scores: blockRows int32][rows: capacity × stride bytes].
 */
export class Int8Rows {
  /** Bytes per row: the dimension rounded up to a multiple of 32 (the kernel's step), zero-padded. */
  readonly stride: number;
  readonly blockRows: number;
  readonly #memory: WebAssembly.Memory;
  readonly #dot: ScanFunction;
  readonly #scoresOffset: number;
  readonly #rowsOffset: number;
  #rows: Int8Array;
  /** Per row: the float value of one int8 step (largest magnitude / 127). */
  scales = new Float32Array(0);
  /** Per row: the float32 squared length (for l2 approximations). */
  squaredLengths = new Float32Array(0);
  /** Per row: the sum of its int8 values (the kernel's query is shifted by +64: see scan.wat). */
  sums = new Int32Array(0);

  readonly dimension: number;

  constructor(dimension: number, blockRows: number, capacity: number) {
    this.dimension = dimension;
    this.stride = Math.ceil(dimension / 32) * 32;
    this.blockRows = blockRows;
    this.#scoresOffset = this.stride;
    this.#rowsOffset = Math.ceil((this.#scoresOffset + blockRows * 4) / 16) * 16;
    this.#memory = new WebAssembly.Memory({
      initial: this.#pagesFor(capacity),
      maximum: maximumPages,
    });
    const instance = new WebAssembly.Instance(compiled, { env: { memory: this.#memory } });
    this.#dot = instance.exports.dotInt8 as ScanFunction;
    this.#rows = this.#view();
    this.#growSideArrays(this.capacity);
  }

  get capacity(): number {
    return Math.floor((this.#memory.buffer.byteLength - this.#rowsOffset) / this.stride);
  }

  /** Quantises `vector` into row `slot` (growing the memory when needed). */
  set(slot: number, vector: Float32Array): void {
    if (slot >= this.capacity) this.#reserve(slot + 1);
    let largest = 0;
    let squared = 0;
    for (let i = 0; i < vector.length; i++) {
      const value = vector[i]!;
      largest = Math.max(largest, Math.abs(value));
      squared += value * value;
    }
    const scale = largest === 0 ? 1 : largest / 127;
    const row = slot * this.stride;
    let sum = 0;
    for (let i = 0; i < vector.length; i++) {
      const value = Math.round(vector[i]! / scale);
      this.#rows[row + i] = value;
      sum += value;
    }
    this.sums[slot] = sum;
    this.scales[slot] = scale;
    this.squaredLengths[slot] = squared;
  }

  /** Copies row `from` over row `to` (a delete moving the last slot into the hole). */
  move(from: number, to: number): void {
    this.#rows.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
    this.scales[to] = this.scales[from]!;
    this.sums[to] = this.sums[from]!;
    this.squaredLengths[to] = this.squaredLengths[from]!;
  }

  clear(slot: number): void {
    this.#rows.fill(0, slot * this.stride, (slot + 1) * this.stride);
  }

  /**
   * Rows [0, count) as a file stores them: the rows packed (`dimension` bytes each), zero
   * padding to a multiple of 4, then the scales, sums and squared lengths (4 bytes each per row).
   */
  savedParts(count: number): Uint8Array[] {
    const { stride, dimension } = this;
    const all = new Uint8Array(this.#rows.buffer, this.#rows.byteOffset, count * stride);
    let rows = all;
    if (stride !== dimension) {
      rows = new Uint8Array(count * dimension);
      for (let slot = 0; slot < count; slot++) {
        rows.set(all.subarray(slot * stride, slot * stride + dimension), slot * dimension);
      }
    }
    return [
      rows,
      new Uint8Array(int8PaddingBytes(count * this.dimension)),
      ...this.#sideBytes(count),
    ];
  }

  /** Loading: where the parts `savedParts(count)` wrote are to be read (this memory itself). */
  loadingTargets(count: number): Uint8Array[] {
    if (count > this.capacity) this.#reserve(count);
    const rows = new Uint8Array(this.#rows.buffer, this.#rows.byteOffset, count * this.dimension);
    return [
      rows,
      new Uint8Array(int8PaddingBytes(count * this.dimension)),
      ...this.#sideBytes(count),
    ];
  }

  /**
   * After `loadingTargets` were filled: spreads the packed rows to the stride and checks the
   * per-row values are usable (finite positive scales, finite lengths, sums in range). Rows
   * that do not match their float32 vectors cannot be detected without requantising; they can
   * only change which candidates get rescored, never a returned score.
   */
  adoptLoaded(count: number): string | undefined {
    const { stride, dimension } = this;
    const rows = this.#rows;
    if (stride !== dimension) {
      for (let slot = count - 1; slot >= 0; slot--) {
        rows.copyWithin(slot * stride, slot * dimension, (slot + 1) * dimension);
        rows.fill(0, slot * stride + dimension, (slot + 1) * stride);
      }
    }
    const largestSum = 127 * dimension;
    for (let slot = 0; slot < count; slot++) {
      const scale = this.scales[slot]!;
      const length = this.squaredLengths[slot]!;
      const sum = this.sums[slot]!;
      if (!(scale > 0 && Number.isFinite(scale) && length >= 0 && Number.isFinite(length))) {
        return `int8 row ${slot} has scale ${scale} and squared length ${length}`;
      }
      if (Math.abs(sum) > largestSum) return `int8 row ${slot} has the impossible sum ${sum}`;
    }
    return undefined;
  }

  #sideBytes(count: number): Uint8Array[] {
    return [this.scales, this.sums, this.squaredLengths].map(
      (values) => new Uint8Array(values.buffer, values.byteOffset, count * 4),
    );
  }

  /**
   * Quantises the query to [−63, 63] and stores it shifted by +64 (the kernel's second operand
   * must be in [0, 127]); padding bytes hold 64 too, against rows whose padding is 0. Returns
   * the query's scale: dot(row, query) ≈ (score − 64 × sums[row]) × scales[row] × scale.
   */
  loadQuery(query: Float32Array): number {
    const view = new Uint8Array(this.#memory.buffer, 0, this.stride);
    view.fill(64);
    let largest = 0;
    for (let i = 0; i < query.length; i++) largest = Math.max(largest, Math.abs(query[i]!));
    const scale = largest === 0 ? 1 : largest / 63;
    for (let i = 0; i < query.length; i++) view[i] = Math.round(query[i]! / scale) + 64;
    return scale;
  }

  /** Shifted integer dot products of rows [start, start + count) (count ≤ blockRows): see loadQuery. */
  score(start: number, count: number): Int32Array {
    this.#dot(this.#rowsOffset + start * this.stride, count, this.stride, 0, this.#scoresOffset);
    return new Int32Array(this.#memory.buffer, this.#scoresOffset, count);
  }

  #reserve(rows: number): void {
    const needed = this.#pagesFor(rows);
    if (needed > maximumPages) {
      throw new RangeError(
        `${rows} int8 rows of ${this.stride} bytes exceed the 4 GiB of a WebAssembly memory`,
      );
    }
    const current = this.#memory.buffer.byteLength / pageBytes;
    this.#memory.grow(Math.min(maximumPages, Math.max(needed, current * 2)) - current);
    this.#rows = this.#view();
    this.#growSideArrays(this.capacity);
  }

  #growSideArrays(capacity: number): void {
    const scales = new Float32Array(capacity);
    scales.set(this.scales.subarray(0, Math.min(capacity, this.scales.length)));
    this.scales = scales;
    const sums = new Int32Array(capacity);
    sums.set(this.sums.subarray(0, Math.min(capacity, this.sums.length)));
    this.sums = sums;
    const lengths = new Float32Array(capacity);
    lengths.set(this.squaredLengths.subarray(0, Math.min(capacity, this.squaredLengths.length)));
    this.squaredLengths = lengths;
  }

  #view(): Int8Array {
    return new Int8Array(this.#memory.buffer, this.#rowsOffset, this.capacity * this.stride);
  }

  #pagesFor(rows: number): number {
    return Math.max(1, Math.ceil((this.#rowsOffset + Math.max(1, rows) * this.stride) / pageBytes));
  }
}

/** Zero bytes after `rowBytes` bytes of int8 rows, up to a multiple of 4. */
export function int8PaddingBytes(rowBytes: number): number {
  return (4 - (rowBytes % 4)) % 4;
}

/** Bytes of the int8 section of a file for `count` rows of `dimension`. */
export function int8SectionBytes(count: number, dimension: number): number {
  return count * dimension + int8PaddingBytes(count * dimension) + 12 * count;
}
