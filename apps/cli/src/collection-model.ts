import type { TokenCounter } from "@hybrid-rag/chunking";
import {
  type EmbeddedCollection,
  openCollection,
  readCollectionManifest,
} from "@hybrid-rag/collection";
import { HybridRagError, type Reranker } from "@hybrid-rag/core";
import { useLiteModelName } from "@hybrid-rag/embeddings-use";
import { type LoadedEmbedder, loadEmbedder, type ModelFlags } from "./model-options.ts";

type Manifest = NonNullable<Awaited<ReturnType<typeof readCollectionManifest>>>;

/** `--embedding-model none`: no dense side (a BM25-only collection). */
export function isNoModel(model: string): boolean {
  const name = model.trim();
  return name === "" || name === "none";
}

/**
 * The embedder that opens a saved collection for a query (`search`, `serve`, `mcp`): none for a
 * BM25-only collection, else the model it was built with unless `--embedding-model` was given.
 */
export async function loadCollectionEmbedder(
  directory: string,
  manifest: Manifest,
  flags: ModelFlags & { readonly modelGiven?: boolean },
): Promise<LoadedEmbedder | undefined> {
  if (manifest.embedder === null) {
    if (flags.modelGiven === true && !isNoModel(flags.embeddingModel)) {
      throw new HybridRagError(
        "invalid-argument",
        `${directory} is a BM25-only collection (no dense side), so --embedding-model ${flags.embeddingModel} cannot query it: leave the flag out, or give it a dense side first with \`hybrid-rag ingest <folder> --into ${directory} --embedding-model ${flags.embeddingModel}\`.`,
      );
    }
    return undefined;
  }
  const built = manifest.embedder.name;
  const builtWith = built.startsWith("onnx:")
    ? built.slice(5)
    : built === useLiteModelName
      ? useLiteModelName
      : undefined;
  const embeddingModel = flags.modelGiven === false && builtWith ? builtWith : flags.embeddingModel;
  return loadEmbedder({ ...flags, embeddingModel });
}

/**
 * The token counter to open a collection with: none when it was chunked approximately (a
 * collection created BM25-only keeps its approximate chunking after it gains a dense side).
 */
export function chunkingCounterFor(
  manifest: Manifest,
  modelCounter: TokenCounter | undefined,
): TokenCounter | undefined {
  return manifest.chunking.tokenCounter === "approximate" ? undefined : modelCounter;
}

/** A saved collection opened for queries, with the models it was opened with. */
export interface QueryableCollection {
  readonly collection: EmbeddedCollection;
  readonly loaded: LoadedEmbedder | undefined;
  readonly tokenCounter: TokenCounter | undefined;
  readonly reranker: Reranker | undefined;
}

/**
 * Opens a collection directory for queries (`search`, `serve`, `mcp`): the manifest is checked
 * before any model loads (which may mean a download), then the collection's embedder
 * (`loadCollectionEmbedder`), the reranker `loadReranker` gives, and the collection itself.
 */
export async function openQueryableCollection(
  directory: string,
  flags: ModelFlags & { readonly modelGiven?: boolean },
  loadReranker: () => Promise<Reranker | undefined>,
): Promise<QueryableCollection> {
  const manifest = await readCollectionManifest(directory);
  if (!manifest) {
    throw new HybridRagError(
      "not-found",
      `${directory} holds no collection (no manifest.json); create one with \`hybrid-rag ingest <folder> --into ${directory}\`.`,
    );
  }
  const loaded = await loadCollectionEmbedder(directory, manifest, flags);
  const embedder = loaded?.embedder;
  const tokenCounter = chunkingCounterFor(manifest, loaded?.tokenCounter);
  const reranker = await loadReranker();
  const collection = await openCollection(directory, {
    ...(embedder ? { embedder } : {}),
    ...(tokenCounter ? { tokenCounter } : {}),
    ...(reranker ? { reranker } : {}),
  });
  return { collection, loaded, tokenCounter, reranker };
}
