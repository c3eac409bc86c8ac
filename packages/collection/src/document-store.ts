import type { Chunk } from "@hybrid-rag/chunking";
import type { Document, DocumentLookup } from "@hybrid-rag/core";

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

/**
 * The one copy of every chunk's text, shared by the sparse and the dense index: both hold the
 * same chunk objects in memory and only ids on disk. Lookups by chunk id and by parent id.
 */
export class DocumentStore implements DocumentLookup {
  readonly #parents = new Map<string, ParentRecord>();
  readonly #chunks = new Map<string, Chunk>();
  #revision = 0;

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
    for (const id of parent.chunkIds) this.#chunks.delete(id);
    return [...parent.chunkIds];
  }
}
