import { readdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { OnnxEmbedder } from "@hybrid-rag/embeddings";
import {
  type BuiltEmbedder,
  buildDenseRetriever,
  buildEmbedder,
  modelReference,
} from "@hybrid-rag/pipeline";
import type { RetrieverStage } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";
import { describeDevice } from "./describe-device.ts";

const howToEnable =
  "EMBEDDING_MODEL_PATH=<folder of a bi-encoder with onnx/model.onnx, e.g. bge-small-en-v1.5> pnpm demo";
const description = "dense retrieval with a bi-encoder";

/**
 * Dense vectors: Qdrant or the embedded exact index, as the spec says (QDRANT_URL). The embedder
 * is the spec's: the ONNX bi-encoder of EMBEDDING_MODEL_PATH, or by default USE-lite from npm
 * (an offline baseline, so dense works on a fresh machine without the Hub).
 */
export async function buildDenseStage(config: DemoConfig): Promise<RetrieverStage> {
  const { dense, embedder: embedderSpec, executionProvider } = config.spec;
  if (!dense || !embedderSpec) {
    return {
      off: { reason: "the spec names no dense retriever with an embedder", howToEnable },
      description,
    };
  }
  const reference = modelReference(embedderSpec.model);
  if (reference.kind === "in-process" && (await isEmptyFolder(reference.model))) {
    return {
      off: {
        reason: `the model folder ${reference.model} is empty`,
        howToEnable: `put a bi-encoder (config.json, tokenizer.json, onnx/model.onnx) in ${reference.model}`,
      },
      description,
    };
  }
  let built: BuiltEmbedder;
  try {
    built = await buildEmbedder(embedderSpec, {
      executionProvider,
      // USE-lite on one model per core: ingesting the corpus at start is what a visitor waits for.
      options: { embedderWorkers: reference.kind === "use-lite" ? availableParallelism() : 0 },
    });
  } catch (error) {
    if (reference.kind !== "use-lite") throw error;
    return {
      off: {
        reason: `no embedding model is configured and USE-lite could not load (${error instanceof Error ? error.message : String(error)})`,
        howToEnable,
      },
      description,
    };
  }
  const { embedder } = built;
  const model =
    built.kind === "use-lite"
      ? `use-lite, offline baseline, ${(embedder as { workers?: number }).workers ?? 1} worker threads`
      : built.kind === "onnx"
        ? `${embedderSpec.model.split("/").at(-1)} on ${describeDevice({
            provider: (embedder as OnnxEmbedder).provider,
            fallbackReason: (embedder as OnnxEmbedder).fallbackReason,
          })}`
        : `${embedderSpec.api} endpoint ${embedderSpec.model}`;
  const store = await buildDenseRetriever(dense, embedder, embedderSpec.embedBatchSize, {
    names: { dense: "dense" },
    defaultIndexName: config.indexName,
  });
  const close = async () => {
    await store.release();
    await built.release();
  };
  if (dense.engine === "qdrant") {
    // A fresh collection per start: the page shows exactly the corpus just ingested.
    await (store.retriever as unknown as { drop(): Promise<void> }).drop();
    return {
      component: store.retriever,
      description: `${dense.metric} (Qdrant at ${dense.url}, collection ${dense.collection ?? config.indexName}, ${model})`,
      close,
    };
  }
  return {
    component: store.retriever,
    description: `${dense.metric}, exact (embedded, ${model}, ${embedder.dimension} dimensions)`,
    close,
  };
}

/** Compose mounts an empty folder when none is provided: that means "off", not an error. */
async function isEmptyFolder(path: string): Promise<boolean> {
  const entries = await readdir(path).catch(() => undefined);
  return entries !== undefined && entries.length === 0;
}
