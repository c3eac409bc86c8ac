import { randomBytes } from "node:crypto";
import { mkdir, open as openFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Bm25Index, createBm25Index, loadBm25Index } from "@hybrid-rag/bm25";
import { type ChunkingOptions, createChunker, type TokenCounter } from "@hybrid-rag/chunking";
import { type Embedder, HybridRagError, type Reranker } from "@hybrid-rag/core";
import {
  createVectorIndex,
  loadVectorIndex,
  type VectorIndex,
  type VectorMetric,
} from "@hybrid-rag/vector-index";
import {
  type CollectionManifest,
  collectionFormatVersion,
  manifestFile,
  readManifest,
} from "./collection-manifest.ts";
import { DocumentStore } from "./document-store.ts";
import { HybridCollection } from "./hybrid-collection.ts";
import { readStoreFile, writeStoreFile } from "./store-file.ts";

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

export interface OpenCollectionOptions {
  /** The embedder the collection was built with (same name and dimension). */
  readonly embedder: Embedder;
  /** Required when the collection was chunked with a tokenizer: the same one (same name). */
  readonly tokenCounter?: TokenCounter;
  readonly reranker?: Reranker;
}

const files = { store: "store.jsonl", sparse: "sparse.bm25", dense: "dense.vectors" } as const;

/**
 * The embedded collection: `@hybrid-rag/bm25` + `@hybrid-rag/vector-index` over one document
 * store, saved as one versioned directory: `manifest.json` names the current `vNNNNNN/` folder
 * (store.jsonl with the text once, the two indexes with ids only). A save writes a new folder,
 * flushes it, then swaps the manifest by rename: a save that dies half-way leaves the manifest
 * on the previous version.
 */
export class EmbeddedCollection extends HybridCollection {
  declare readonly sparse: Bm25Index;
  declare readonly dense: VectorIndex;
  readonly embedder: Embedder;
  #saving = false;

  constructor(parts: {
    sparse: Bm25Index;
    dense: VectorIndex;
    store: DocumentStore;
    chunking?: ChunkingOptions;
    embedder: Embedder;
    reranker?: Reranker;
  }) {
    super({
      sparse: parts.sparse,
      dense: parts.dense,
      store: parts.store,
      chunker: createChunker(parts.chunking),
      ...(parts.reranker ? { reranker: parts.reranker } : {}),
    });
    this.embedder = parts.embedder;
  }

  /** Saves a new version into `directory` (created if needed); returns the version number. */
  async save(directory: string): Promise<number> {
    if (this.#saving)
      throw new HybridRagError(
        "already-exists",
        "A save of this collection is already running; await it first.",
      );
    this.#saving = true;
    try {
      await mkdir(directory, { recursive: true });
      const previous = await readManifest(directory);
      const version = (previous?.version ?? 0) + 1;
      const name = `v${String(version).padStart(6, "0")}`;
      const staging = join(directory, `${name}.partial-${randomBytes(4).toString("hex")}`);
      await mkdir(staging);
      const storeSha256 = await writeStoreFile(join(staging, files.store), this.store);
      await this.sparse.save(join(staging, files.sparse), { storeDocuments: false });
      await this.dense.save(join(staging, files.dense), { storeDocuments: false });
      await syncFile(join(staging, files.sparse));
      await syncFile(join(staging, files.dense));
      await rm(join(directory, name), { recursive: true, force: true });
      await rename(staging, join(directory, name));
      const options = this.chunker.options;
      const manifest: CollectionManifest = {
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
        files: { ...files, storeSha256 },
      };
      const temporary = join(directory, `${manifestFile}.${randomBytes(4).toString("hex")}.tmp`);
      await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
      await syncFile(temporary);
      await rename(temporary, join(directory, manifestFile));
      await syncFile(directory);
      await removeOtherVersions(directory, name);
      this.events.emit("collection-saved", { directory, version });
      return version;
    } finally {
      this.#saving = false;
    }
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

/**
 * Opens the current version of a saved collection without re-indexing: the store is read once
 * and both indexes resolve their documents from it. Missing, damaged or mismatched parts throw
 * a HybridRagError that says which file and what to do.
 */
export async function openCollection(
  directory: string,
  options: OpenCollectionOptions,
): Promise<EmbeddedCollection> {
  const manifest = await readManifest(directory);
  if (!manifest) {
    throw new HybridRagError(
      "not-found",
      `${directory} holds no collection (no ${manifestFile}); create one with \`hybrid-rag ingest <folder> --into ${directory}\` or collection.save().`,
    );
  }
  const { embedder } = options;
  if (
    embedder.name !== manifest.embedder.name ||
    embedder.dimension !== manifest.embedder.dimension
  ) {
    throw new HybridRagError(
      "invalid-argument",
      `${directory} was built with embedder ${manifest.embedder.name} (${manifest.embedder.dimension} dimensions), not ${embedder.name} (${embedder.dimension}): open it with the same model.`,
    );
  }
  const tokenCounter = chunkingCounter(manifest, options.tokenCounter, directory);
  const folder = join(directory, manifest.directory);
  const store = await readStoreFile(join(folder, manifest.files.store), manifest.files.storeSha256);
  const sparse = await loadBm25Index(join(folder, manifest.files.sparse), { documents: store });
  const dense = await loadVectorIndex(join(folder, manifest.files.dense), {
    embedder,
    documents: store,
    metric: manifest.metric,
  });
  const counts = [
    store.chunkCount,
    await sparse.count(),
    await dense.count(),
    manifest.counts.chunks,
  ];
  if (new Set(counts).size !== 1) {
    throw new HybridRagError(
      "corrupt-data",
      `${folder}: the store, the BM25 index, the vector index and the manifest disagree on the number of chunks (${counts.join(", ")}); re-ingest the documents.`,
    );
  }
  return new EmbeddedCollection({
    sparse,
    dense,
    store,
    embedder,
    chunking: {
      maxTokens: manifest.chunking.maxTokens,
      overlapTokens: manifest.chunking.overlapTokens,
      ...(tokenCounter ? { tokenCounter } : {}),
      ...(manifest.chunking.modelMaxTokens !== null
        ? { modelMaxTokens: manifest.chunking.modelMaxTokens }
        : {}),
    },
    ...(options.reranker ? { reranker: options.reranker } : {}),
  });
}

function chunkingCounter(
  manifest: CollectionManifest,
  given: TokenCounter | undefined,
  directory: string,
): TokenCounter | undefined {
  const expected = manifest.chunking.tokenCounter;
  if (given === undefined) {
    if (expected === "approximate") return undefined;
    throw new HybridRagError(
      "invalid-argument",
      `${directory} was chunked with ${expected}: pass the same tokenCounter to openCollection so new documents are chunked alike.`,
    );
  }
  if (given.name !== expected) {
    throw new HybridRagError(
      "invalid-argument",
      `${directory} was chunked with ${expected}, not ${given.name}.`,
    );
  }
  return given;
}

async function syncFile(path: string): Promise<void> {
  const handle = await openFile(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Older versions and the leftovers of interrupted saves; the current version stays. */
async function removeOtherVersions(directory: string, current: string): Promise<void> {
  for (const entry of await readdir(directory)) {
    if (entry !== current && /^v\d{6}(\.partial-[0-9a-f]+)?$/.test(entry)) {
      await rm(join(directory, entry), { recursive: true, force: true });
    }
  }
}
