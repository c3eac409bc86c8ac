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

  /** A section of JSON values, one per line (newline-terminated): parsed line by line. */
  jsonLines(length: number): unknown[] {
    const section = Buffer.from(this.bytes(length));
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
}
