import { corrupt } from "./file-errors.ts";

/** Format 4 starts every section at a multiple of this (file offset), padded with zeros. */
export const sectionAlignment = 8;

/**
 * Reads consecutive sections of an index file, failing with corrupt-data past the end. With
 * `aligned` (format 4) every section starts at a multiple of `sectionAlignment`, so typed-array
 * sections are views on the file's own bytes, not copies.
 */
export class SectionReader {
  #offset: number;
  readonly #file: Buffer;
  readonly #end: number;
  readonly #path: string;
  readonly #aligned: boolean;

  constructor(file: Buffer, offset: number, end: number, path: string, aligned = false) {
    this.#file = file;
    this.#offset = offset;
    this.#end = end;
    this.#path = path;
    this.#aligned = aligned;
  }

  /** A copy of the next `length` bytes. */
  bytes(length: number): ArrayBuffer {
    const copy = new Uint8Array(length);
    copy.set(this.view(length));
    return copy.buffer;
  }

  /** The next `length` bytes, as a view on the file (no copy). */
  view(length: number): Buffer {
    this.#align();
    if (length > this.#end - this.#offset)
      throw corrupt(this.#path, "a section runs past the end of the file");
    const view = this.#file.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return view;
  }

  /**
   * The next `length` bytes as a plain Uint8Array view (not a Buffer: the index's arrays keep
   * one element kind, and growing one copies it as a Uint8Array).
   */
  uint8s(length: number): Uint8Array {
    const bytes = this.view(length);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
  }

  /** The next `count` little-endian uint32s: a view when aligned, else a copy. */
  uint32s(count: number): Uint32Array {
    const bytes = this.view(count * 4);
    if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, count);
    return new Uint32Array(new Uint8Array(bytes).buffer);
  }

  /** The next `count` little-endian int32s: a view when aligned, else a copy. */
  int32s(count: number): Int32Array {
    const unsigned = this.uint32s(count);
    return new Int32Array(unsigned.buffer, unsigned.byteOffset, count);
  }

  json(length: number): unknown {
    const text = this.view(length).toString("utf8");
    try {
      return JSON.parse(text);
    } catch (error) {
      throw corrupt(this.#path, `a JSON section does not parse (${(error as Error).message})`);
    }
  }

  /** A section of JSON values, one per line (newline-terminated): parsed line by line. */
  jsonLines(length: number): unknown[] {
    const section = this.view(length);
    const values: unknown[] = [];
    for (let start = 0; start < section.length; ) {
      const end = section.indexOf(0x0a, start);
      if (end < 0) throw corrupt(this.#path, "a JSON-lines section does not end with a newline");
      try {
        values.push(JSON.parse(section.toString("utf8", start, end)));
      } catch (error) {
        throw corrupt(
          this.#path,
          `line ${values.length + 1} of a JSON-lines section does not parse (${(error as Error).message})`,
        );
      }
      start = end + 1;
    }
    return values;
  }

  expectEnd(): void {
    if (this.#offset !== this.#end)
      throw corrupt(this.#path, "it has unexpected bytes after the last section");
  }

  /** Skips the zero padding before an aligned section. */
  #align(): void {
    if (!this.#aligned) return;
    const padded = Math.ceil(this.#offset / sectionAlignment) * sectionAlignment;
    if (padded > this.#end) throw corrupt(this.#path, "a section runs past the end of the file");
    for (let position = this.#offset; position < padded; position++) {
      if (this.#file[position] !== 0) throw corrupt(this.#path, "a section's padding is not zero");
    }
    this.#offset = padded;
  }
}
