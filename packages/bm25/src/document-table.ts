import type { Document } from "@hybrid-rag/core";
import type { StoredDocuments } from "./stored-documents.ts";

type Metadata = NonNullable<Document["metadata"]>;

/**
 * The index's documents by internal number: the first `stored.count` numbers are the documents
 * of a loaded file, kept as its bytes (`StoredDocuments`) and made into objects on demand; the
 * others are the objects given to `upsert` (or found in a shared document store), by reference.
 * A deleted number reads as `undefined` until `compact` renumbers.
 */
export class DocumentTable {
  #stored: StoredDocuments | undefined;
  /** 1 for a deleted stored document (allocated on the first such delete). */
  #storedDeleted: Uint8Array | undefined;
  #objects: Array<Document | undefined>;

  constructor(stored?: StoredDocuments, objects: Array<Document | undefined> = []) {
    this.#stored = stored;
    this.#objects = objects;
  }

  get length(): number {
    return this.#storedCount + this.#objects.length;
  }

  get #storedCount(): number {
    return this.#stored?.count ?? 0;
  }

  get(number: number): Document | undefined {
    const storedCount = this.#storedCount;
    if (number >= storedCount) return this.#objects[number - storedCount];
    return this.#isStoredLive(number) ? this.#stored!.get(number) : undefined;
  }

  id(number: number): string | undefined {
    const storedCount = this.#storedCount;
    if (number >= storedCount) return this.#objects[number - storedCount]?.id;
    return this.#isStoredLive(number) ? this.#stored!.id(number) : undefined;
  }

  metadata(number: number): Metadata | undefined {
    const storedCount = this.#storedCount;
    if (number >= storedCount) return this.#objects[number - storedCount]?.metadata;
    return this.#isStoredLive(number) ? this.#stored!.metadata(number) : undefined;
  }

  /** The saved record of a live document read from a file (copied as it is by `save`). */
  storedRecord(number: number): ReturnType<StoredDocuments["record"]> | undefined {
    if (number >= this.#storedCount || !this.#isStoredLive(number)) return undefined;
    return this.#stored!.record(number);
  }

  push(document: Document): void {
    this.#objects.push(document);
  }

  delete(number: number): void {
    const storedCount = this.#storedCount;
    if (number >= storedCount) {
      this.#objects[number - storedCount] = undefined;
      return;
    }
    this.#storedDeleted ??= new Uint8Array(storedCount);
    this.#storedDeleted[number] = 1;
  }

  /** Keeps the documents whose `live` flag is 1, in order, numbered from 0. */
  compact(live: Uint8Array): void {
    const storedCount = this.#storedCount;
    if (this.#stored !== undefined && this.#storedDeleted !== undefined) {
      const kept: number[] = [];
      for (let number = 0; number < storedCount; number++) {
        if (live[number] === 1) kept.push(number);
      }
      this.#stored = this.#stored.select(Int32Array.from(kept));
      this.#storedDeleted = undefined;
    }
    this.#objects = this.#objects.filter((_, slot) => live[storedCount + slot] === 1);
  }

  #isStoredLive(number: number): boolean {
    return number >= 0 && this.#storedDeleted?.[number] !== 1;
  }
}
