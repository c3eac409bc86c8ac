import { readdir } from "node:fs/promises";
import type { Embedder } from "@hybrid-rag/core";
import type { EmbedderWorkerPool } from "@hybrid-rag/core/worker-pool";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import type { RetrieverStage } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";
import type { StageOff } from "./demo-engine.ts";
import { describeDevice } from "./describe-device.ts";

const howToEnable =
  "EMBEDDING_MODEL_PATH=<folder of a bi-encoder with onnx/model.onnx, e.g. bge-small-en-v1.5> pnpm demo";

/**
 * Dense vectors: Qdrant when QDRANT_URL is set, else the embedded exact index. The embedder is
 * the ONNX bi-encoder of EMBEDDING_MODEL_PATH, or, without one, USE-lite from npm (an offline
 * baseline, so dense works on a fresh machine without the Hub).
 */
export async function buildDenseStage(config: DemoConfig): Promise<RetrieverStage> {
  if (!config.embeddingModelPath) {
    const useLite = await loadUseLite();
    if ("off" in useLite) return useLite;
    const stage = await denseStore(
      config,
      useLite.embedder,
      `use-lite, offline baseline, ${useLite.embedder.workers} worker threads`,
    );
    return { ...stage, close: () => useLite.embedder.release() };
  }
  if (await isEmptyFolder(config.embeddingModelPath)) {
    return {
      off: {
        reason: `the model folder ${config.embeddingModelPath} is empty`,
        howToEnable: `put a bi-encoder (config.json, tokenizer.json, onnx/model.onnx) in ${config.embeddingModelPath}`,
      },
      description: "dense retrieval with a bi-encoder",
    };
  }
  const { createOnnxEmbedder } = await import("@hybrid-rag/embeddings");
  const embedder = await createOnnxEmbedder({
    model: config.embeddingModelPath,
    executionProvider: config.executionProvider,
  });
  const model = `${config.embeddingModelPath.split("/").at(-1)} on ${describeDevice({
    provider: embedder.provider,
    fallbackReason: embedder.fallbackReason,
  })}`;
  return denseStore(config, embedder, model);
}

async function loadUseLite(): Promise<
  { embedder: EmbedderWorkerPool } | { off: StageOff; description: string }
> {
  try {
    // One model per core: ingesting the corpus at start is what a visitor waits for.
    const { createUseLiteEmbedderPool } = await import("@hybrid-rag/embeddings-use");
    return { embedder: await createUseLiteEmbedderPool() };
  } catch (error) {
    return {
      off: {
        reason: `no embedding model is configured and USE-lite could not load (${error instanceof Error ? error.message : String(error)})`,
        howToEnable,
      },
      description: "dense retrieval with a bi-encoder",
    };
  }
}

async function denseStore(
  config: DemoConfig,
  embedder: Embedder,
  model: string,
): Promise<RetrieverStage> {
  if (config.qdrantUrl) {
    const { createQdrantIndex } = await import("@hybrid-rag/qdrant");
    const store = createQdrantIndex({
      url: config.qdrantUrl,
      collection: config.indexName,
      embedder,
      name: "dense",
    });
    // A fresh collection per start: the page shows exactly the corpus just ingested.
    await store.drop();
    return {
      component: store,
      description: `cosine (Qdrant at ${config.qdrantUrl}, collection ${config.indexName}, ${model})`,
    };
  }
  return {
    component: createVectorIndex({ embedder, name: "dense", metric: "cosine" }),
    description: `cosine, exact (embedded, ${model}, ${embedder.dimension} dimensions)`,
  };
}

/** Compose mounts an empty folder when none is provided: that means "off", not an error. */
async function isEmptyFolder(path: string): Promise<boolean> {
  const entries = await readdir(path).catch(() => undefined);
  return entries !== undefined && entries.length === 0;
}
