import { join, resolve } from "node:path";

import { type Bm25Index, createBm25Index } from "@hybrid-rag/bm25";
import { type Chunk, type ChunkingOptions, createChunker } from "@hybrid-rag/chunking";
import { type Embedder, HybridRagError, type Reranker } from "@hybrid-rag/core";
import { createVectorIndex, type VectorIndex, type VectorMetric } from "@hybrid-rag/vector-index";
import type { IngestSummary } from "./collection-events.ts";
import { type CollectionLock, lockCollection } from "./collection-lock.ts";
import {
  type CollectionManifest,
  collectionFormatVersion,
  type IngestInProgress,
  readManifest,
  type SegmentReference,
} from "./collection-manifest.ts";
import { segmentEntries } from "./collection-segments.ts";
import {
  removeOtherVersions,
  swapManifest,
  syncPath,
  versionFiles,
  writeVersionFolder,
} from "./collection-versions.ts";
import { DocumentStore } from "./document-store.ts";
import { HybridCollection } from "./hybrid-collection.ts";
import { imageRefsOfVersion, writeImageListFile } from "./image-list-file.ts";
import { collectImageGarbage, type ImageLimits, ImageStore } from "./image-store.ts";
import { CheckpointTracker, type IngestCheckpointOptions } from "./ingest-checkpoints.ts";
import type { IngestItem, IngestOptions } from "./ingest-documents.ts";
import { writeSegmentFile } from "./segment-file.ts";
import { writeStoreFile } from "./store-file.ts";

export interface EmbeddedCollectionOptions {
  /**
   * The dense side's model. Omitted: a BM25-only collection (the sparse side and the document
   * store only), which `addDenseSide` turns into a hybrid one later.
   */
  readonly embedder?: Embedder;
  readonly chunking?: ChunkingOptions;
  readonly bm25?: {
    readonly analyzer?: "standard" | "english";
    readonly k1?: number;
    readonly b?: number;
  };
  readonly metric?: VectorMetric;
  readonly reranker?: Reranker;
  /** Bounds on each image stored (bytes, pixels); a larger one is refused and reported. */
  readonly images?: ImageLimits;
}

export interface AddDenseSideOptions {
  readonly metric?: VectorMetric;
  /** Chunks embedded per write (default 256): bounds memory. */
  readonly batchChunks?: number;
  readonly signal?: AbortSignal;
  /** Called after each batch with the chunks embedded so far and the total. */
  readonly onProgress?: (embedded: number, total: number) => void;
}

export interface DurableIngestOptions extends IngestOptions {
  /**
   * Commits progress into a collection directory while ingesting, so that an interrupted run
   * (Ctrl-C, kill -9, a crash) loses at most the last step and the next ingest resumes it.
   */
  readonly checkpoint?: IngestCheckpointOptions;
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
  /** Undefined in a BM25-only collection. */
  declare dense: VectorIndex | undefined;
  /** Undefined in a BM25-only collection. */
  embedder: Embedder | undefined;
  #saving = false;
  /** The saved version this collection's content is based on (set by open, save and checkpoints). */
  #basedOn: { directory: string; version: number } | undefined;
  /** The version folder and segments of that saved version (what a checkpoint builds on). */
  #saved: SavedState | undefined;
  /** A change segments cannot carry (a dense side added): the next step is a whole version. */
  #needsWholeVersion = false;

  constructor(parts: {
    sparse: Bm25Index;
    dense?: VectorIndex;
    store: DocumentStore;
    /** The image store (openCollection binds it to the directory); default: a new in-memory one. */
    images?: ImageStore;
    chunking?: ChunkingOptions;
    embedder?: Embedder;
    reranker?: Reranker;
    /** Where and at which version it was opened from (openCollection). */
    basedOn?: { directory: string; version: number };
    /** The manifest it was opened from (openCollection). */
    manifest?: CollectionManifest;
  }) {
    super({
      sparse: parts.sparse,
      ...(parts.dense ? { dense: parts.dense } : {}),
      store: parts.store,
      ...(parts.images ? { images: parts.images } : {}),
      chunker: createChunker(parts.chunking),
      ...(parts.reranker ? { reranker: parts.reranker } : {}),
    });
    if ((parts.dense === undefined) !== (parts.embedder === undefined)) {
      throw new HybridRagError(
        "invalid-argument",
        "An embedded collection takes a dense index and its embedder together, or neither (BM25-only).",
      );
    }
    this.embedder = parts.embedder;
    this.#basedOn = parts.basedOn && {
      ...parts.basedOn,
      directory: resolve(parts.basedOn.directory),
    };
    if (parts.manifest) this.#saved = savedStateOf(parts.manifest);
  }

  /**
   * The ingest of an earlier run that committed checkpoints into the directory this collection
   * was opened from and did not finish (interrupted): the next durable ingest resumes it.
   */
  get interruptedIngest(): IngestInProgress | undefined {
    return this.#saved?.ingest;
  }

  /**
   * Streams documents in. With `checkpoint`, progress is committed into that directory in
   * durable steps — each one a small segment file named by an atomic manifest swap, so readers
   * see the last complete step and a killed run loses at most the step in flight — and the run
   * ends with one last step (or, past `compactAfterSegments` segments, a full version folder).
   * An ingest that changed nothing writes nothing (`saved: null`).
   */
  override async ingest(
    input: AsyncIterable<IngestItem> | Iterable<IngestItem>,
    options: DurableIngestOptions = {},
  ): Promise<IngestSummary> {
    const { checkpoint, ...rest } = options;
    if (!checkpoint) return super.ingest(input, rest);
    const tracker = new CheckpointTracker(checkpoint, (changes, final) =>
      this.#commitStep(checkpoint, changes, final),
    );
    const summary = await super.ingest(input, {
      ...rest,
      onCommitted: async (changes) => {
        await rest.onCommitted?.(changes);
        await tracker.add(changes);
      },
    });
    const saved = await tracker.finish();
    return { ...summary, saved };
  }

  /**
   * Commits the changes gathered since the last step. A step is a segment on top of the saved
   * version folder; the first step of a new collection, and the final one past the compaction
   * threshold, is a whole version folder instead (`save`). The manifest of every step but the
   * final one carries the ingest-in-progress marker that makes the next run resume.
   */
  async #commitStep(
    checkpoint: IngestCheckpointOptions,
    changes: ReadonlyMap<string, "written" | "deleted">,
    final: boolean,
  ): Promise<{ version: number; compacted: boolean } | null> {
    const { directory, lock } = checkpoint;
    const saved = this.#basedOn?.directory === resolve(directory) ? this.#saved : undefined;
    const marker: IngestInProgress | undefined = final
      ? undefined
      : {
          input: checkpoint.input ?? saved?.ingest?.input ?? "",
          startedAt: saved?.ingest?.startedAt ?? new Date().toISOString(),
          committed: (saved?.ingest?.committed ?? 0) + changes.size,
        };
    const whole = this.#needsWholeVersion;
    if (!whole && changes.size === 0 && (!saved || (final && saved.ingest === undefined))) {
      return null;
    }
    const compactAfter = checkpoint.compactAfterSegments ?? 16;
    const manySegments = saved && saved.segments.length + (changes.size > 0 ? 1 : 0) > compactAfter;
    if (!saved || whole || (final && manySegments)) {
      return { version: await this.#saveLocked(directory, lock, marker), compacted: true };
    }
    const previous = await readManifest(directory);
    this.#checkBase(directory, previous?.version ?? 0);
    const version = (previous?.version ?? 0) + 1;
    const segments = [...saved.segments];
    if (changes.size > 0) {
      // The segment's new images go to disk before the manifest that names the segment.
      const writtenIds = [...changes].flatMap(([id, change]) => (change === "written" ? [id] : []));
      await this.images.persist(directory, this.store.imageRefsOf(writtenIds));
      const written = await writeSegmentFile(
        directory,
        version,
        segmentEntries(changes, { store: this.store, sparse: this.sparse, dense: this.dense }),
      );
      const deleted = [...changes.values()].filter((change) => change === "deleted").length;
      segments.push({ ...written, written: changes.size - deleted, deleted });
    }
    await lock.verify();
    await swapManifest(
      directory,
      this.#manifest(version, saved.folder, saved.storeSha256, segments, marker, saved.images),
    );
    this.#basedOn = { directory: resolve(directory), version };
    this.#saved = { ...saved, segments, ...(marker ? { ingest: marker } : { ingest: undefined }) };
    if (final) {
      // Leftovers of a killed run (half-written segments, unnamed ones); the previous
      // manifest's files stay for readers that read it.
      await removeOtherVersions(directory, [
        saved.folder,
        ...segments.map((segment) => segment.file),
        ...(previous ? [previous.directory, ...(previous.segments ?? []).map((s) => s.file)] : []),
      ]);
    }
    this.events.emit("collection-saved", { directory, version });
    return { version, compacted: false };
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
      return await this.#saveLocked(directory, lock, undefined);
    } finally {
      this.#saving = false;
      if (!options.lock) await lock?.release();
    }
  }

  /** A whole version folder (the merge of every segment), under the lock the caller holds. */
  async #saveLocked(
    directory: string,
    lock: CollectionLock,
    marker: IngestInProgress | undefined,
  ): Promise<number> {
    const previous = await readManifest(directory);
    this.#checkBase(directory, previous?.version ?? 0);
    const version = (previous?.version ?? 0) + 1;
    let storeSha256 = "";
    const imageRefs = this.store.imageRefs();
    // Every image the version uses is on disk before the manifest names it.
    await this.images.persist(directory, imageRefs);
    let images: ImageList | undefined;
    const name = await writeVersionFolder(directory, version, async (folder) => {
      storeSha256 = await writeStoreFile(join(folder, versionFiles.store), this.store);
      if (imageRefs.size > 0) {
        const sha256 = await writeImageListFile(join(folder, versionFiles.images), imageRefs);
        images = { file: versionFiles.images, sha256, count: imageRefs.size };
      }
      await this.sparse.save(join(folder, versionFiles.sparse), { storeDocuments: false });
      await syncPath(join(folder, versionFiles.sparse));
      if (this.dense) {
        await this.dense.save(join(folder, versionFiles.dense), { storeDocuments: false });
        await syncPath(join(folder, versionFiles.dense));
      }
    });
    await lock.verify();
    const manifest = this.#manifest(version, name, storeSha256, [], marker, images);
    await swapManifest(directory, manifest);
    this.#basedOn = { directory: resolve(directory), version };
    this.#saved = savedStateOf(manifest);
    this.#needsWholeVersion = false;
    // The previous version (and its segments, and its images) stays for readers that read its
    // manifest; images neither version uses are removed.
    await removeOtherVersions(directory, [
      name,
      ...(previous ? [previous.directory, ...(previous.segments ?? []).map((s) => s.file)] : []),
    ]);
    const keep = previous ? await imageRefsOfVersion(directory, previous) : new Set<string>();
    for (const ref of imageRefs) keep.add(ref);
    await collectImageGarbage(directory, keep);
    this.events.emit("collection-saved", { directory, version });
    return version;
  }

  /**
   * Gives a BM25-only collection its dense side: embeds every stored chunk (from the document
   * store's text; no file is read again) into a new vector index. From then on ingest writes
   * both sides and search fuses them; `save` records the embedder in the manifest. Fails with
   * `already-exists` when the collection has a dense side. On failure the collection stays
   * BM25-only.
   */
  async addDenseSide(embedder: Embedder, options: AddDenseSideOptions = {}): Promise<void> {
    if (this.dense) {
      throw new HybridRagError(
        "already-exists",
        `This collection already has a dense side (embedder ${this.embedder?.name}); re-ingest into a new directory to change its model.`,
      );
    }
    const batchChunks = options.batchChunks ?? 256;
    if (!Number.isInteger(batchChunks) || batchChunks < 1) {
      throw new HybridRagError(
        "invalid-argument",
        `batchChunks must be a whole number ≥ 1, got ${batchChunks}.`,
      );
    }
    const dense = createVectorIndex({
      embedder,
      name: "dense",
      ...(options.metric ? { metric: options.metric } : {}),
    });
    const total = this.store.chunkCount;
    let embedded = 0;
    let batch: Chunk[] = [];
    const flush = async () => {
      const report = await dense.upsert(batch, options.signal ? { signal: options.signal } : {});
      const failure = report.failed[0];
      if (failure) {
        throw new HybridRagError(
          "internal",
          `Embedding chunk ${JSON.stringify(failure.id)} for the new dense side failed: ${failure.error.message}. The collection is unchanged (BM25-only); fix the cause and run it again.`,
          { cause: failure.error },
        );
      }
      embedded += batch.length;
      batch = [];
      options.onProgress?.(embedded, total);
    };
    for (const parent of this.store.parents()) {
      for (const chunk of this.store.chunksOf(parent.id)) {
        batch.push(chunk);
        if (batch.length >= batchChunks) await flush();
      }
    }
    if (batch.length > 0) await flush();
    this.dense = dense;
    this.embedder = embedder;
    this.#needsWholeVersion = true;
    this.sidesChanged();
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

  #manifest(
    version: number,
    name: string,
    storeSha256: string,
    segments: readonly SegmentReference[],
    ingest: IngestInProgress | undefined,
    images: ImageList | undefined,
  ): CollectionManifest {
    const options = this.chunker.options;
    const usesFormat3 = segments.length > 0 || ingest !== undefined;
    const usesImages = images !== undefined || this.store.imageCount > 0;
    return {
      format: "hybrid-rag-collection",
      // The lowest format that holds it: earlier releases still read collections without images
      // (format 2 or 3), and those without segments either (format 2).
      formatVersion: usesImages ? collectionFormatVersion : usesFormat3 ? 3 : 2,
      version,
      directory: name,
      savedAt: new Date().toISOString(),
      embedder: this.embedder
        ? { name: this.embedder.name, dimension: this.embedder.dimension }
        : null,
      metric: this.dense?.metric ?? null,
      bm25: { analyzer: this.sparse.analyzer.name, k1: this.sparse.k1, b: this.sparse.b },
      chunking: {
        maxTokens: options.maxTokens,
        overlapTokens: options.overlapTokens,
        tokenCounter: options.tokenCounter.name,
        modelMaxTokens: options.modelMaxTokens ?? null,
      },
      counts: { parents: this.store.parentCount, chunks: this.store.chunkCount },
      files: {
        store: versionFiles.store,
        sparse: versionFiles.sparse,
        dense: this.dense ? versionFiles.dense : null,
        storeSha256,
      },
      ...(images ? { images } : {}),
      ...(segments.length > 0 ? { segments: [...segments] } : {}),
      ...(ingest ? { ingest } : {}),
    };
  }
}

type ImageList = NonNullable<CollectionManifest["images"]>;

interface SavedState {
  readonly folder: string;
  readonly storeSha256: string;
  readonly images: ImageList | undefined;
  readonly segments: readonly SegmentReference[];
  readonly ingest: IngestInProgress | undefined;
}

function savedStateOf(manifest: CollectionManifest): SavedState {
  return {
    folder: manifest.directory,
    storeSha256: manifest.files.storeSha256,
    images: manifest.images,
    segments: manifest.segments ?? [],
    ingest: manifest.ingest,
  };
}

/** An empty embedded collection (BM25-only without an embedder). */
export function createEmbeddedCollection(options: EmbeddedCollectionOptions): EmbeddedCollection {
  const { embedder } = options;
  if (!embedder && options.metric) {
    throw new HybridRagError(
      "invalid-argument",
      `metric "${options.metric}" is for the dense side, and a collection without an embedder has none: pass an embedder too, or pass the metric to addDenseSide when you add one.`,
    );
  }
  return new EmbeddedCollection({
    sparse: createBm25Index({ name: "bm25", ...(options.bm25 ?? {}) }),
    ...(embedder
      ? {
          embedder,
          dense: createVectorIndex({
            embedder,
            name: "dense",
            ...(options.metric ? { metric: options.metric } : {}),
          }),
        }
      : {}),
    store: new DocumentStore(),
    images: new ImageStore(options.images ? { limits: options.images } : {}),
    ...(options.chunking ? { chunking: options.chunking } : {}),
    ...(options.reranker ? { reranker: options.reranker } : {}),
  });
}
