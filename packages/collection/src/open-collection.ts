import { join } from "node:path";
import { loadBm25Index } from "@hybrid-rag/bm25";
import type { TokenCounter } from "@hybrid-rag/chunking";
import { type Embedder, HybridRagError, type Reranker } from "@hybrid-rag/core";
import { loadVectorIndex } from "@hybrid-rag/vector-index";
import { type CollectionManifest, manifestFile, readManifest } from "./collection-manifest.ts";
import { applySegments } from "./collection-segments.ts";
import { EmbeddedCollection } from "./embedded-collection.ts";
import { type ImageLimits, ImageStore } from "./image-store.ts";
import { readStoreFile } from "./store-file.ts";

export interface OpenCollectionOptions {
  /**
   * The embedder the collection was built with (same name and dimension). Omit it for a
   * BM25-only collection; passing one to a BM25-only collection is refused (give it a dense
   * side with `addDenseSide`).
   */
  readonly embedder?: Embedder;
  /** Required when the collection was chunked with a tokenizer: the same one (same name). */
  readonly tokenCounter?: TokenCounter;
  readonly reranker?: Reranker;
  /** Bounds on each image stored from now on, and read back (default: 8 MiB, 4096² pixels). */
  readonly images?: ImageLimits;
}

/**
 * Opens after this many manifest swaps during one open; past it, a writer saves faster than the
 * collection can be read (a reader needs two saves during its open to lose its version folder).
 */
const maxOpenAttempts = 10;

/**
 * Opens the current version of a saved collection without re-indexing: the store is read once
 * and both indexes resolve their documents from it. Never waits for a writer: it reads the
 * version `manifest.json` names, and if that folder changes under it (a save swapped the
 * manifest and removed the old version meanwhile) it starts again on the new version. Missing,
 * damaged or mismatched parts throw a HybridRagError that says which file and what to do.
 */
export async function openCollection(
  directory: string,
  options: OpenCollectionOptions = {},
): Promise<EmbeddedCollection> {
  for (let attempt = 1; ; attempt++) {
    const manifest = await readManifest(directory);
    if (!manifest) {
      throw new HybridRagError(
        "not-found",
        `${directory} holds no collection (no ${manifestFile}); create one with \`hybrid-rag ingest <folder> --into ${directory}\` or collection.save().`,
      );
    }
    const tokenCounter = checkCompatible(directory, manifest, options);
    try {
      return await openVersion(directory, manifest, options, tokenCounter);
    } catch (error) {
      const now = await readManifest(directory).catch(() => undefined);
      // The manifest still names this version: the failure is about the data itself.
      if (now === undefined || now.version === manifest.version) throw error;
      if (attempt >= maxOpenAttempts) {
        throw new HybridRagError(
          "unavailable",
          `${directory} was saved ${attempt} times while it was being opened (now version ${now.version}); open it again when its writer pauses.`,
          { cause: error },
        );
      }
    }
  }
}

function checkCompatible(
  directory: string,
  manifest: CollectionManifest,
  options: OpenCollectionOptions,
): TokenCounter | undefined {
  const { embedder } = options;
  const built = manifest.embedder;
  if (built === null && embedder !== undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `${directory} is a BM25-only collection (no dense side), so it cannot be opened with embedder ${embedder.name}: open it without one, then give it a dense side with collection.addDenseSide(embedder) (CLI: \`hybrid-rag ingest <folder> --into ${directory} --embedding-model <model>\`).`,
    );
  }
  if (built !== null && embedder === undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `${directory} was built with embedder ${built.name} (${built.dimension} dimensions): pass that embedder to openCollection.`,
    );
  }
  if (built !== null && embedder !== undefined) {
    if (embedder.name !== built.name || embedder.dimension !== built.dimension) {
      throw new HybridRagError(
        "invalid-argument",
        `${directory} was built with embedder ${built.name} (${built.dimension} dimensions), not ${embedder.name} (${embedder.dimension}): open it with the same model.`,
      );
    }
  }
  return chunkingCounter(manifest, options.tokenCounter, directory);
}

async function openVersion(
  directory: string,
  manifest: CollectionManifest,
  options: OpenCollectionOptions,
  tokenCounter: TokenCounter | undefined,
): Promise<EmbeddedCollection> {
  const { embedder } = options;
  const folder = join(directory, manifest.directory);
  const store = await readStoreFile(join(folder, manifest.files.store), manifest.files.storeSha256);
  const sparse = await loadBm25Index(join(folder, manifest.files.sparse), { documents: store });
  const denseFile = manifest.files.dense;
  const dense =
    embedder && denseFile !== null && manifest.metric !== null
      ? await loadVectorIndex(join(folder, denseFile), {
          embedder,
          documents: store,
          metric: manifest.metric,
        })
      : undefined;
  if (embedder && !dense) {
    throw new HybridRagError(
      "corrupt-data",
      `${join(directory, manifestFile)} names embedder ${embedder.name} but no dense file or metric; restore the folder from a backup or re-ingest the documents.`,
    );
  }
  await applySegments(directory, manifest.segments ?? [], { store, sparse, dense });
  // The open-time count check: every side present must hold every stored text chunk (image-only
  // chunks are in the store alone: neither side can read them).
  const textChunks = store.chunkCount - store.imageOnlyChunkCount;
  const counts = [
    textChunks,
    await sparse.count(),
    ...(dense ? [await dense.count()] : []),
    manifest.counts.chunks - store.imageOnlyChunkCount,
  ];
  if (new Set(counts).size !== 1) {
    const sides = dense ? "the BM25 index, the vector index" : "the BM25 index";
    throw new HybridRagError(
      "corrupt-data",
      `${folder}: the store, ${sides} and the manifest disagree on the number of chunks (${counts.join(", ")}${store.imageOnlyChunkCount > 0 ? `, not counting ${store.imageOnlyChunkCount} image-only chunks, which are in the store alone` : ""}); restore the folder from a backup or re-ingest the documents.`,
    );
  }
  return new EmbeddedCollection({
    sparse,
    ...(dense && embedder ? { dense, embedder } : {}),
    store,
    images: new ImageStore({
      directory,
      ...(options.images ? { limits: options.images } : {}),
    }),
    chunking: {
      maxTokens: manifest.chunking.maxTokens,
      overlapTokens: manifest.chunking.overlapTokens,
      ...(tokenCounter ? { tokenCounter } : {}),
      ...(manifest.chunking.modelMaxTokens !== null
        ? { modelMaxTokens: manifest.chunking.modelMaxTokens }
        : {}),
    },
    ...(options.reranker ? { reranker: options.reranker } : {}),
    basedOn: { directory, version: manifest.version },
    manifest,
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
