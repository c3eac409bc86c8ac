import type { TokenCounter } from "@hybrid-rag/chunking";
import {
  type EmbeddedCollection,
  openCollection,
  readCollectionManifest,
} from "@hybrid-rag/collection";
import { HybridRagError } from "@hybrid-rag/core";
import {
  type BuiltEmbedder,
  type BuiltReranker,
  buildEmbedder,
  type PipelineSpec,
  useLiteModel,
} from "@hybrid-rag/pipeline";
import type { CommandSpec } from "./spec-options.ts";

type Manifest = NonNullable<Awaited<ReturnType<typeof readCollectionManifest>>>;

/** The model a collection's manifest says its vectors came from (`onnx:<model>` or use-lite). */
function modelOfManifest(manifest: Manifest): string | undefined {
  const built = manifest.embedder?.name;
  if (built === undefined) return undefined;
  if (built.startsWith("onnx:")) return built.slice(5);
  return built === useLiteModel ? useLiteModel : undefined;
}

/**
 * The embedder that opens a saved collection for a query (`search`, `serve`, `mcp`): none for a
 * BM25-only collection, else the model it was built with unless the user chose one (a flag or
 * the `--spec` file).
 */
export async function loadCollectionEmbedder(
  directory: string,
  manifest: Manifest,
  { spec, chosen }: CommandSpec,
): Promise<BuiltEmbedder | undefined> {
  const modelChosen = chosen.has("embedder.model");
  if (manifest.embedder === null) {
    if (modelChosen && spec.embedder) {
      throw new HybridRagError(
        "invalid-argument",
        `${directory} is a BM25-only collection (no dense side), so --embedding-model ${spec.embedder.model} cannot query it: leave the flag out, or give it a dense side first with \`hybrid-rag ingest <folder> --into ${directory} --embedding-model ${spec.embedder.model}\`.`,
      );
    }
    return undefined;
  }
  const builtWith = modelOfManifest(manifest);
  const embedder =
    !modelChosen && builtWith
      ? { ...(spec.embedder ?? { api: "nim" as const, embedBatchSize: 64 }), model: builtWith }
      : spec.embedder;
  if (!embedder) {
    throw new HybridRagError(
      "invalid-argument",
      `${directory} is a hybrid collection built with ${manifest.embedder.name}: querying it needs an embedding model (--embedding-model: a model folder, a Hugging Face id, an endpoint URL or use-lite); --embedding-model none is only for a BM25-only collection.`,
    );
  }
  return buildEmbedder(embedder, { executionProvider: spec.executionProvider, options: {} });
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
  readonly loaded: BuiltEmbedder | undefined;
  readonly tokenCounter: TokenCounter | undefined;
  readonly reranker: BuiltReranker | undefined;
  /** Frees the models (worker threads, ONNX sessions). */
  release(): Promise<void>;
}

/**
 * Opens a collection directory for queries (`search`, `serve`, `mcp`): the manifest is checked
 * before any model loads (which may mean a download), then the collection's embedder
 * (`loadCollectionEmbedder`), the reranker `loadReranker` builds from the spec, and the
 * collection itself.
 */
export async function openQueryableCollection(
  directory: string,
  commandSpec: CommandSpec,
  loadReranker: (spec: PipelineSpec) => Promise<BuiltReranker | undefined>,
): Promise<QueryableCollection> {
  const manifest = await readCollectionManifest(directory);
  if (!manifest) {
    throw new HybridRagError(
      "not-found",
      `${directory} holds no collection (no manifest.json); create one with \`hybrid-rag ingest <folder> --into ${directory}\`.`,
    );
  }
  const loaded = await loadCollectionEmbedder(directory, manifest, commandSpec);
  const embedder = loaded?.embedder;
  const tokenCounter = chunkingCounterFor(manifest, loaded?.tokenCounter);
  const reranker = await loadReranker(commandSpec.spec);
  const collection = await openCollection(directory, {
    ...(embedder ? { embedder } : {}),
    ...(tokenCounter ? { tokenCounter } : {}),
    ...(reranker ? { reranker: reranker.reranker } : {}),
  });
  return {
    collection,
    loaded,
    tokenCounter,
    reranker,
    async release() {
      await reranker?.release();
      await loaded?.release();
    },
  };
}
