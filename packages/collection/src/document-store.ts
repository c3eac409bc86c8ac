import type { Chunk } from "@hybrid-rag/chunking";
import type { Document, DocumentLookup, StoredImageReference } from "@hybrid-rag/core";

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
  /** The parent's image, stored in the collection's image store (its chunks carry it too). */
  readonly image?: StoredImageReference;
  /**
   * The document an image document belongs to (`metadata.parent`: a PDF's page image, an HTML
   * page's figure). When that document's file is unchanged its parts are too: an incremental
   * ingest, which reads no unchanged file, counts them as unchanged rather than missing.
   */
  readonly partOf?: string;
}

/**
 * The one copy of every chunk's text, shared by the sparse and the dense index: both hold the
 * same chunk objects in memory and only ids on disk. Lookups by chunk id and by parent id.
 */
export class DocumentStore implements DocumentLookup {
  readonly #parents = new Map<string, ParentRecord>();
  readonly #chunks = new Map<string, Chunk>();
  /** Image-only chunks linked to a PDF page (`metadata.parent`, `metadata.page`), by `pageKey`. */
  readonly #pageImages = new Map<string, string>();
  /** How many stored chunks refer to each image (by SHA-256). */
  readonly #imageUses = new Map<string, number>();
  /** Parent ids by the `partOf` they name. */
  readonly #parts = new Map<string, Set<string>>();
  #imageOnlyChunks = 0;
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

  /**
   * The stored image-only chunk of page `page` of the parent `parentId` (a PDF's page image, as
   * loaders link it: `metadata.parent`, `metadata.page`), or undefined.
   */
  pageImage(parentId: string, page: number): Chunk | undefined {
    const id = this.#pageImages.get(pageKey(parentId, page));
    return id === undefined ? undefined : this.#chunks.get(id);
  }

  /** The stored image documents that belong to `parentId` (their `partOf`). */
  partsOf(parentId: string): string[] {
    return [...(this.#parts.get(parentId) ?? [])];
  }

  /** Chunks with an image and no text: BM25 and text embedders hold none of them. */
  get imageOnlyChunkCount(): number {
    return this.#imageOnlyChunks;
  }

  /** How many distinct images the stored chunks refer to. */
  get imageCount(): number {
    return this.#imageUses.size;
  }

  /** The SHA-256 of every image a stored chunk refers to. */
  imageRefs(): Set<string> {
    return new Set(this.#imageUses.keys());
  }

  /** The image refs of some parents' chunks (what a checkpoint segment must have on disk). */
  imageRefsOf(parentIds: Iterable<string>): Set<string> {
    const refs = new Set<string>();
    for (const id of parentIds) {
      for (const chunk of this.chunksOf(id))
        if (chunk.image && "ref" in chunk.image) refs.add(chunk.image.ref);
    }
    return refs;
  }

  /** Adds or replaces a parent with all its chunks (its old chunks are dropped). */
  put(parent: ParentRecord, chunks: readonly Chunk[]): void {
    this.delete(parent.id);
    this.#revision++;
    this.#parents.set(parent.id, parent);
    if (parent.partOf !== undefined) {
      const parts = this.#parts.get(parent.partOf) ?? new Set();
      this.#parts.set(parent.partOf, parts.add(parent.id));
    }
    for (const chunk of chunks) {
      this.#chunks.set(chunk.id, chunk);
      this.#indexImage(chunk, +1);
    }
  }

  /** Removes a parent and its chunks; returns the removed chunk ids. */
  delete(parentId: string): string[] {
    const parent = this.#parents.get(parentId);
    if (!parent) return [];
    this.#revision++;
    this.#parents.delete(parentId);
    if (parent.partOf !== undefined) {
      const parts = this.#parts.get(parent.partOf);
      parts?.delete(parentId);
      if (parts?.size === 0) this.#parts.delete(parent.partOf);
    }
    for (const id of parent.chunkIds) {
      const chunk = this.#chunks.get(id);
      if (chunk) this.#indexImage(chunk, -1);
      this.#chunks.delete(id);
    }
    return [...parent.chunkIds];
  }

  #indexImage(chunk: Chunk, change: 1 | -1): void {
    const image = chunk.image;
    if (image === undefined || !("ref" in image)) return;
    const uses = (this.#imageUses.get(image.ref) ?? 0) + change;
    if (uses > 0) this.#imageUses.set(image.ref, uses);
    else this.#imageUses.delete(image.ref);
    if (chunk.text !== "") return;
    this.#imageOnlyChunks += change;
    const { parent, page } = chunk.metadata;
    if (typeof parent !== "string" || typeof page !== "number") return;
    if (change > 0) this.#pageImages.set(pageKey(parent, page), chunk.id);
    else if (this.#pageImages.get(pageKey(parent, page)) === chunk.id) {
      this.#pageImages.delete(pageKey(parent, page));
    }
  }
}

function pageKey(parentId: string, page: number): string {
  return `${page}\u0000${parentId}`;
}
