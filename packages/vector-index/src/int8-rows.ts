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
 * [query: stride int16][scores: blockRows int32][rows: capacity × stride bytes].
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

  constructor(dimension: number, blockRows: number, capacity: number) {
    this.stride = Math.ceil(dimension / 32) * 32;
    this.blockRows = blockRows;
    this.#scoresOffset = this.stride * 2;
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
    for (let i = 0; i < vector.length; i++) this.#rows[row + i] = Math.round(vector[i]! / scale);
    this.scales[slot] = scale;
    this.squaredLengths[slot] = squared;
  }

  /** Copies row `from` over row `to` (a delete moving the last slot into the hole). */
  move(from: number, to: number): void {
    this.#rows.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
    this.scales[to] = this.scales[from]!;
    this.squaredLengths[to] = this.squaredLengths[from]!;
  }

  clear(slot: number): void {
    this.#rows.fill(0, slot * this.stride, (slot + 1) * this.stride);
  }

  /** Quantises the query (widened to int16) where the kernel reads it; returns its scale. */
  loadQuery(query: Float32Array): number {
    const view = new Int16Array(this.#memory.buffer, 0, this.stride);
    view.fill(0);
    let largest = 0;
    for (let i = 0; i < query.length; i++) largest = Math.max(largest, Math.abs(query[i]!));
    const scale = largest === 0 ? 1 : largest / 127;
    for (let i = 0; i < query.length; i++) view[i] = Math.round(query[i]! / scale);
    return scale;
  }

  /** Integer dot products of rows [start, start + count) with the loaded query (count ≤ blockRows). */
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
