import type { Chunk } from "@hybrid-rag/chunking";
import type { Document, DocumentLookup } from "@hybrid-rag/core";
import { unreadChunkFactory } from "./unread-chunk.ts";

/** What the collection remembers about one ingested parent document (its text lives in its chunks). */
export interface ParentRecord {
  readonly id: string;
  readonly source: string;
  readonly title?: string;
  readonly format?: string;
  /** SHA-256 of the parent's title, text and metadata: an equal hash means nothing to re-index. */
  readonly contentHash: string;
  readonly chunkIds: readonly string[];
  /** MinHash signature of the normalised text (near-duplicate detection), base64. */
  readonly signature?: string;
  /** SHA-256 of the file's bytes (loaders' `fileSha256`): an unchanged file is not extracted again. */
  readonly fileSha256?: string;
}

/** Where the chunks of stored parents are read from when a store is opened lazily. */
export interface StoredParents {
  /** The chunks of the parent as the store file holds it, read and checked. */
  chunks(parentId: string): Chunk[];
  /** The parent's line as stored (newline included), checked: copied as it is by a save. */
  line(parentId: string): string;
}

/**
 * The one copy of every chunk's text, shared by the sparse and the dense index: both hold the
 * same chunk objects in memory and only ids on disk. Lookups by chunk id and by parent id.
 *
 * A store opened lazily (`DocumentStore.lazy`) holds the parent records only: each chunk is a
 * stand-in that reads its parent's line from the store file the first time its text or metadata
 * is used (a search reads the lines of its hits, not the whole file).
 */
export class DocumentStore implements DocumentLookup {
  readonly #parents = new Map<string, ParentRecord>();
  readonly #chunks = new Map<string, Chunk>();
  /**
   * Lazily opened: the chunks read from the store file so far (the file never changes, so a
   * stand-in always resolves to its stored version, even after its parent was replaced), and
   * the parents whose record is still the stored one.
   */
  readonly #read = new Map<string, Chunk>();
  readonly #asStored = new Set<string>();
  #stored: StoredParents | undefined;
  #revision = 0;

  /** A store of these parents whose chunks are read from `stored` when first used. */
  static lazy(parents: Iterable<ParentRecord>, stored: StoredParents): DocumentStore {
    const store = new DocumentStore();
    store.#stored = stored;
    const unread = unreadChunkFactory((id, parentId) => store.#readChunk(id, parentId));
    for (const parent of parents) {
      store.#parents.set(parent.id, parent);
      store.#asStored.add(parent.id);
      for (const id of parent.chunkIds) store.#chunks.set(id, unread(id, parent.id));
    }
    return store;
  }

  /** Chunks read from the store file so far (all of them when it was read whole): for tests and benchmarks. */
  get readChunkCount(): number {
    return this.#stored === undefined ? this.#chunks.size : this.#read.size;
  }

  /** The line of a parent still as the store file holds it (a save copies it), else undefined. */
  storedLine(parentId: string): string | undefined {
    const parent = this.#parents.get(parentId);
    return parent && this.#asStored.has(parentId) ? this.#stored?.line(parentId) : undefined;
  }

  #readChunk(id: string, parentId: string): Chunk {
    const known = this.#read.get(id);
    if (known) return known;
    for (const chunk of this.#stored!.chunks(parentId)) this.#read.set(chunk.id, chunk);
    return this.#read.get(id)!;
  }

  /** Increases with every change: what derived views (near-duplicate groups) check to refresh. */
  get revision(): number {
    return this.#revision;
  }

  get parentCount(): number {
    return this.#parents.size;
  }

  get chunkCount(): number {
    return this.#chunks.size;
  }

  get(id: string): Document | undefined {
    return this.#chunks.get(id);
  }

  chunk(id: string): Chunk | undefined {
    return this.#chunks.get(id);
  }

  parent(id: string): ParentRecord | undefined {
    return this.#parents.get(id);
  }

  /**
   * Whether the stored parent `id` was loaded from a file with these bytes: pass it as
   * `loadFolder`'s `unchangedFile`, so an incremental ingest hashes unchanged files instead of
   * extracting them again.
   */
  hasFile(id: string, fileSha256: string): boolean {
    return this.#parents.get(id)?.fileSha256 === fileSha256;
  }

  parents(): IterableIterator<ParentRecord> {
    return this.#parents.values();
  }

  /** Chunks of a parent, in order. */
  chunksOf(parentId: string): Chunk[] {
    const parent = this.#parents.get(parentId);
    if (!parent) return [];
    return parent.chunkIds.map((id) => this.#chunks.get(id)).filter((chunk) => chunk !== undefined);
  }

  /** Adds or replaces a parent with all its chunks (its old chunks are dropped). */
  put(parent: ParentRecord, chunks: readonly Chunk[]): void {
    this.delete(parent.id);
    this.#revision++;
    this.#parents.set(parent.id, parent);
    for (const chunk of chunks) this.#chunks.set(chunk.id, chunk);
  }

  /** Removes a parent and its chunks; returns the removed chunk ids. */
  delete(parentId: string): string[] {
    const parent = this.#parents.get(parentId);
    if (!parent) return [];
    this.#revision++;
    this.#parents.delete(parentId);
    this.#asStored.delete(parentId);
    for (const id of parent.chunkIds) {
      this.#chunks.delete(id);
      // A stand-in still held elsewhere (the version kept to restore) reads its line again.
      this.#read.delete(id);
    }
    return [...parent.chunkIds];
  }
}
