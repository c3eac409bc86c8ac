import { join, resolve } from "node:path";

import { type Bm25Index, createBm25Index } from "@hybrid-rag/bm25";
import { type ChunkingOptions, createChunker } from "@hybrid-rag/chunking";
import { type Embedder, HybridRagError, type Reranker } from "@hybrid-rag/core";
import { createVectorIndex, type VectorIndex, type VectorMetric } from "@hybrid-rag/vector-index";
import { type CollectionLock, lockCollection } from "./collection-lock.ts";
import {
  type CollectionManifest,
  collectionFormatVersion,
  readManifest,
} from "./collection-manifest.ts";
import {
  removeOtherVersions,
  swapManifest,
  syncPath,
  versionFiles,
  writeVersionFolder,
} from "./collection-versions.ts";
import { DocumentStore } from "./document-store.ts";
import { HybridCollection } from "./hybrid-collection.ts";
import { writeStoreFile } from "./store-file.ts";

export interface EmbeddedCollectionOptions {
  readonly embedder: Embedder;
  readonly chunking?: ChunkingOptions;
  readonly bm25?: {
    readonly analyzer?: "standard" | "english";
    readonly k1?: number;
    readonly b?: number;
  };
  readonly metric?: VectorMetric;
  readonly reranker?: Reranker;
}

export interface SaveOptions {
  /** The directory's writer lock, when the caller holds it for the whole update. */
  readonly lock?: CollectionLock;
}

/**
 * The embedded collection: `@hybrid-rag/bm25` + `@hybrid-rag/vector-index` over one document
 * store, saved as one versioned directory: `manifest.json` names the current `vNNNNNN/` folder
 * (store.jsonl with the text once, the two indexes with ids only). A save writes a new folder,
 * flushes it, then swaps the manifest by rename: a save that dies half-way leaves the manifest
 * on the previous version. Saves hold the directory's writer lock (`writer.lock`) and refuse to
 * replace a version this collection was not based on.
 */
export class EmbeddedCollection extends HybridCollection {
  declare readonly sparse: Bm25Index;
  declare readonly dense: VectorIndex;
  readonly embedder: Embedder;
  #saving = false;
  /** The saved version this collection's content is based on (set by open and by save). */
  #basedOn: { directory: string; version: number } | undefined;

  constructor(parts: {
    sparse: Bm25Index;
    dense: VectorIndex;
    store: DocumentStore;
    chunking?: ChunkingOptions;
    embedder: Embedder;
    reranker?: Reranker;
    /** Where and at which version it was opened from (openCollection). */
    basedOn?: { directory: string; version: number };
  }) {
    super({
      sparse: parts.sparse,
      dense: parts.dense,
      store: parts.store,
      chunker: createChunker(parts.chunking),
      ...(parts.reranker ? { reranker: parts.reranker } : {}),
    });
    this.embedder = parts.embedder;
    this.#basedOn = parts.basedOn && {
      ...parts.basedOn,
      directory: resolve(parts.basedOn.directory),
    };
  }

  /**
   * Saves a new version into `directory` (created if needed); returns the version number.
   * Holds the directory's writer lock while saving: pass `lock` (from `lockCollection`) when you
   * hold it for the whole update (open → ingest → save); without one, the save takes it and
   * fails with `locked` if another writer has it. Refuses (`already-exists`) when the directory
   * holds a version this collection was not opened from (another writer saved meanwhile, or it
   * is another collection): saving would drop that version's documents.
   */
  async save(directory: string, options: SaveOptions = {}): Promise<number> {
    if (this.#saving)
      throw new HybridRagError(
        "already-exists",
        "A save of this collection is already running; await it first.",
      );
    this.#saving = true;
    let lock: CollectionLock | undefined;
    try {
      lock = options.lock ?? (await lockCollection(directory));
      if (resolve(lock.directory) !== resolve(directory)) {
        throw new HybridRagError(
          "invalid-argument",
          `The lock passed to save is for ${lock.directory}, not ${directory}; lock the directory you save to.`,
        );
      }
      const previous = await readManifest(directory);
      this.#checkBase(directory, previous?.version ?? 0);
      const version = (previous?.version ?? 0) + 1;
      let storeSha256 = "";
      const name = await writeVersionFolder(directory, version, async (folder) => {
        storeSha256 = await writeStoreFile(join(folder, versionFiles.store), this.store);
        await this.sparse.save(join(folder, versionFiles.sparse), { storeDocuments: false });
        await this.dense.save(join(folder, versionFiles.dense), { storeDocuments: false });
        await syncPath(join(folder, versionFiles.sparse));
        await syncPath(join(folder, versionFiles.dense));
      });
      await lock.verify();
      await swapManifest(directory, this.#manifest(version, name, storeSha256));
      this.#basedOn = { directory: resolve(directory), version };
      await removeOtherVersions(directory, [name, ...(previous ? [previous.directory] : [])]);
      this.events.emit("collection-saved", { directory, version });
      return version;
    } finally {
      this.#saving = false;
      if (!options.lock) await lock?.release();
    }
  }

  #checkBase(directory: string, current: number): void {
    const expected = this.#basedOn?.directory === resolve(directory) ? this.#basedOn.version : 0;
    if (current === expected) return;
    const from = expected === 0 ? "was not opened from it" : `was opened from version ${expected}`;
    throw new HybridRagError(
      "already-exists",
      `${directory} holds version ${current} of a collection, and this collection ${from}: saving would drop the documents of version ${current}. Open it again (openCollection) and redo the ingest, holding lockCollection() for the whole update, or save to another directory.`,
      { details: { directory, current, expected } },
    );
  }

  #manifest(version: number, name: string, storeSha256: string): CollectionManifest {
    const options = this.chunker.options;
    return {
      format: "hybrid-rag-collection",
      formatVersion: collectionFormatVersion,
      version,
      directory: name,
      savedAt: new Date().toISOString(),
      embedder: { name: this.embedder.name, dimension: this.embedder.dimension },
      metric: this.dense.metric,
      bm25: { analyzer: this.sparse.analyzer.name, k1: this.sparse.k1, b: this.sparse.b },
      chunking: {
        maxTokens: options.maxTokens,
        overlapTokens: options.overlapTokens,
        tokenCounter: options.tokenCounter.name,
        modelMaxTokens: options.modelMaxTokens ?? null,
      },
      counts: { parents: this.store.parentCount, chunks: this.store.chunkCount },
      files: { ...versionFiles, storeSha256 },
    };
  }
}

/** An empty embedded collection. */
export function createEmbeddedCollection(options: EmbeddedCollectionOptions): EmbeddedCollection {
  return new EmbeddedCollection({
    sparse: createBm25Index({ name: "bm25", ...(options.bm25 ?? {}) }),
    dense: createVectorIndex({
      embedder: options.embedder,
      name: "dense",
      ...(options.metric ? { metric: options.metric } : {}),
    }),
    store: new DocumentStore(),
    embedder: options.embedder,
    ...(options.chunking ? { chunking: options.chunking } : {}),
    ...(options.reranker ? { reranker: options.reranker } : {}),
  });
}
