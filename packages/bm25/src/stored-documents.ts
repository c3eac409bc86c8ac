import type { Document } from "@hybrid-rag/core";

type Metadata = NonNullable<Document["metadata"]>;

/** Field byte length meaning "absent" (a title or metadata the document does not have). */
export const absentField = 0xffffffff;
/** Per document: the UTF-8 byte lengths of its id, title, text and metadata JSON. */
export const fieldsPerDocument = 4;

/**
 * Documents kept as the bytes of a loaded index file (format 4's documents section) and turned
 * into objects only when a hit, a `get`, a delete or a save needs one: reopening a million
 * documents then costs one checked pass over their bytes instead of a million `JSON.parse`
 * calls, and they take their UTF-8 size in memory instead of that of a million objects.
 *
 * `blob` holds, per document, id | title | text | metadata JSON back to back; `fieldBytes[4i..]`
 * their byte lengths (`absentField` for a missing title or metadata); `starts[i]` where document
 * i's record begins in `blob`. Metadata is parsed (and checked) once at load and kept, so that
 * filters do not parse anything. Built only by `readStoredDocuments`, which checked every byte.
 */
export class StoredDocuments {
  readonly #blob: Buffer;
  readonly #fieldBytes: Uint32Array;
  readonly #starts: Float64Array;
  readonly #metadata: ReadonlyArray<Metadata | undefined> | undefined;

  constructor(
    blob: Buffer,
    fieldBytes: Uint32Array,
    starts: Float64Array,
    metadata: ReadonlyArray<Metadata | undefined> | undefined,
  ) {
    this.#blob = blob;
    this.#fieldBytes = fieldBytes;
    this.#starts = starts;
    this.#metadata = metadata;
  }

  get count(): number {
    return this.#starts.length;
  }

  id(number: number): string {
    const start = this.#starts[number]!;
    return this.#blob.toString("utf8", start, start + this.#fieldBytes[number * 4]!);
  }

  metadata(number: number): Metadata | undefined {
    return this.#metadata?.[number];
  }

  /** A new object each call (nothing is cached: memory stays the size of the bytes). */
  get(number: number): Document {
    const fields = this.#fieldBytes;
    const blob = this.#blob;
    let position = this.#starts[number]!;
    const idEnd = position + fields[number * 4]!;
    const id = blob.toString("utf8", position, idEnd);
    position = idEnd;
    const titleBytes = fields[number * 4 + 1]!;
    let title: string | undefined;
    if (titleBytes !== absentField) {
      title = blob.toString("utf8", position, position + titleBytes);
      position += titleBytes;
    }
    const text = blob.toString("utf8", position, position + fields[number * 4 + 2]!);
    const metadata = this.#metadata?.[number];
    return {
      id,
      ...(title !== undefined ? { title } : {}),
      text,
      ...(metadata !== undefined ? { metadata } : {}),
    };
  }

  /** The record of document `number` as saved: its four field lengths and its bytes. */
  record(number: number): { readonly fieldBytes: Uint32Array; readonly bytes: Buffer } {
    const fieldBytes = this.#fieldBytes.subarray(number * 4, number * 4 + 4);
    const start = this.#starts[number]!;
    return { fieldBytes, bytes: this.#blob.subarray(start, start + recordBytes(fieldBytes, 0)) };
  }

  /** Only the documents whose numbers are listed (in that order), over the same bytes. */
  select(numbers: Int32Array): StoredDocuments {
    const fieldBytes = new Uint32Array(numbers.length * 4);
    const starts = new Float64Array(numbers.length);
    const metadata =
      this.#metadata === undefined
        ? undefined
        : Array.from({ length: numbers.length }, () => undefined as Metadata | undefined);
    numbers.forEach((number, slot) => {
      fieldBytes.set(this.#fieldBytes.subarray(number * 4, number * 4 + 4), slot * 4);
      starts[slot] = this.#starts[number]!;
      if (metadata) metadata[slot] = this.#metadata![number];
    });
    return new StoredDocuments(this.#blob, fieldBytes, starts, metadata);
  }
}

/** Bytes of the record whose four field lengths start at `fieldBytes[at]`. */
export function recordBytes(fieldBytes: Uint32Array, at: number): number {
  let total = 0;
  for (let field = at; field < at + fieldsPerDocument; field++) {
    const bytes = fieldBytes[field]!;
    if (bytes !== absentField) total += bytes;
  }
  return total;
}
