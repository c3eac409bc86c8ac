import { corrupt } from "./file-errors.ts";

/** Reads consecutive sections of an index file, failing with corrupt-data past the end. */
export class SectionReader {
  #offset: number;
  readonly #file: Buffer;
  readonly #end: number;
  readonly #path: string;

  constructor(file: Buffer, offset: number, end: number, path: string) {
    this.#file = file;
    this.#offset = offset;
    this.#end = end;
    this.#path = path;
  }

  bytes(length: number): ArrayBuffer {
    if (this.#offset + length > this.#end)
      throw corrupt(this.#path, "a section runs past the end of the file");
    const copy = new Uint8Array(length);
    copy.set(this.#file.subarray(this.#offset, this.#offset + length));
    this.#offset += length;
    return copy.buffer;
  }

  json(length: number): unknown {
    const text = Buffer.from(this.bytes(length)).toString("utf8");
    try {
      return JSON.parse(text);
    } catch (error) {
      throw corrupt(this.#path, `a JSON section does not parse (${(error as Error).message})`);
    }
  }

  expectEnd(): void {
    if (this.#offset !== this.#end)
      throw corrupt(this.#path, "it has unexpected bytes after the last section");
  }
}
