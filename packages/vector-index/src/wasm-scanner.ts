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
 * One WebAssembly memory holding a store's vectors, plus the SIMD scan over it. Layout:
 * [query: stride floats][scores: blockRows floats][vectors: capacity × stride floats].
 * Views over the memory are re-created after it grows (growing detaches the old buffer).
 */
export class WasmScanner {
  readonly stride: number;
  readonly blockRows: number;
  readonly #memory: WebAssembly.Memory;
  readonly #dot: ScanFunction;
  readonly #negativeEuclidean: ScanFunction;
  readonly #scoresOffset: number;
  readonly vectorsOffset: number;

  constructor(dimension: number, blockRows: number, capacity: number) {
    // Rows are padded with zeros to a multiple of 8 floats (two SIMD lanes of four): the
    // padding adds nothing to a dot product or a distance.
    this.stride = Math.ceil(dimension / 8) * 8;
    this.blockRows = blockRows;
    this.#scoresOffset = this.stride * 4;
    this.vectorsOffset = Math.ceil((this.#scoresOffset + blockRows * 4) / 16) * 16;
    this.#memory = new WebAssembly.Memory({
      initial: this.#pagesFor(capacity),
      maximum: maximumPages,
    });
    const instance = new WebAssembly.Instance(compiled, { env: { memory: this.#memory } });
    this.#dot = instance.exports.dot as ScanFunction;
    this.#negativeEuclidean = instance.exports.negativeEuclidean as ScanFunction;
  }

  /** Rows the memory can hold now. */
  get capacity(): number {
    return Math.floor((this.#memory.buffer.byteLength - this.vectorsOffset) / (this.stride * 4));
  }

  /** Grows the memory to hold at least `rows` rows; throws past 4 GiB. */
  reserve(rows: number): void {
    const needed = this.#pagesFor(rows);
    const current = this.#memory.buffer.byteLength / pageBytes;
    if (needed <= current) return;
    // Doubling keeps appends amortised O(1).
    const target = Math.min(maximumPages, Math.max(needed, current * 2));
    if (needed > maximumPages) {
      throw new RangeError(
        `${rows} vectors of ${this.stride} floats exceed the 4 GiB of a WebAssembly memory`,
      );
    }
    this.#memory.grow(target - current);
  }

  /** All rows as one Float32Array view (invalidated by `reserve`). */
  rows(): Float32Array {
    return new Float32Array(this.#memory.buffer, this.vectorsOffset, this.capacity * this.stride);
  }

  /** Copies the query (zero-padded to the stride) where the scan reads it. */
  loadQuery(query: Float32Array): void {
    const queryView = new Float32Array(this.#memory.buffer, 0, this.stride);
    queryView.fill(0);
    queryView.set(query);
  }

  /** Scores rows [start, start + count) against the loaded query (count ≤ blockRows). */
  score(metric: "dot" | "l2", start: number, count: number): Float32Array {
    const scan = metric === "l2" ? this.#negativeEuclidean : this.#dot;
    scan(this.vectorsOffset + start * this.stride * 4, count, this.stride, 0, this.#scoresOffset);
    return new Float32Array(this.#memory.buffer, this.#scoresOffset, count);
  }

  /** Scores scattered rows (a filter's matches) one SIMD call each, into `out`. */
  scoreSlots(metric: "dot" | "l2", slots: Int32Array, out: Float32Array): void {
    const scan = metric === "l2" ? this.#negativeEuclidean : this.#dot;
    const result = new Float32Array(this.#memory.buffer, this.#scoresOffset, 1);
    const rowBytes = this.stride * 4;
    for (let position = 0; position < slots.length; position++) {
      scan(this.vectorsOffset + slots[position]! * rowBytes, 1, this.stride, 0, this.#scoresOffset);
      out[position] = result[0]!;
    }
  }

  #pagesFor(rows: number): number {
    return Math.max(
      1,
      Math.ceil((this.vectorsOffset + Math.max(1, rows) * this.stride * 4) / pageBytes),
    );
  }
}
