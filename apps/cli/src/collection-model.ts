import type { TokenCounter } from "@hybrid-rag/chunking";
import type { readCollectionManifest } from "@hybrid-rag/collection";
import { HybridRagError } from "@hybrid-rag/core";
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
