import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ImageResolver, Reranker } from "@hybrid-rag/core";
import { buildReranker, modelReference } from "@hybrid-rag/pipeline";
import { createCrossEncoderReranker, type WorkerPoolReranker } from "@hybrid-rag/reranker";
import type { BuiltStage } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";
import { describeDevice } from "./describe-device.ts";

const howToEnable =
  "RERANKER_MODEL_PATH=<folder of a cross-encoder with onnx/model.onnx, e.g. ms-marco-MiniLM-L-6-v2> pnpm demo (or RERANKER_URL=<reranker-server URL>)";

/**
 * The spec's cross-encoder: a reranking server (RERANKER_URL; a NIM VLM one, `reranker.images`,
 * reads the collection's stored images through `images`), or in-process ONNX on a worker
 * thread. A vision-language reranker folder (llama-nemotron-rerank-vl: `vision_config` in its
 * config.json) runs in-process on the main thread, reading the collection's stored images
 * through `images`, so it scores the page images the pipeline adds: the reranker package's
 * worker pool (`createWorkerPoolReranker`) carries text pairs only, images are decoded and tiled
 * by `createCrossEncoderReranker` on the calling thread.
 */
export async function buildRerankStage(
  config: DemoConfig,
  images?: ImageResolver,
): Promise<BuiltStage<Reranker>> {
  const { reranker: spec, executionProvider } = config.spec;
  if (!spec) {
    return {
      off: { reason: "no cross-encoder is configured", howToEnable },
      description: "cross-encoder reranking of the fused list",
    };
  }
  if (images && (await isVisionLanguageFolder(spec.model))) {
    const reranker = await createCrossEncoderReranker({
      model: spec.model.trim(),
      executionProvider,
      images: { resolveImage: async (image) => (await images.resolveImage(image)).data },
    });
    return {
      component: reranker,
      description: `VLM reranker ${spec.model.split("/").at(-1)} (in process on the main thread, on ${describeDevice(reranker.crossEncoder.providerReport)}): text chunks and page images, raw logits`,
      close: () => reranker.crossEncoder.release(),
    };
  }
  // Tokenising and the model run on a worker thread: the page and its API stay responsive
  // while a query is reranked.
  const built = await buildReranker(spec, {
    executionProvider,
    options: {
      rerankerOnWorker: true,
      ...(config.rerankerApiKey ? { apiKeys: { reranker: config.rerankerApiKey } } : {}),
      // A VLM endpoint (`reranker.images`) is sent the collection's stored page images.
      ...(images ? { imageResolver: images } : {}),
    },
  });
  if (built.kind === "endpoint") {
    const api = spec.api === "nim" ? "NIM" : spec.api;
    return {
      component: built.reranker,
      description: spec.images
        ? `VLM reranker behind the ${api} API at ${spec.model}: text chunks${images ? " and page images" : " (no stored images on this stack)"}`
        : `cross-encoder behind the ${api} API at ${spec.model}`,
    };
  }
  const { workerPool } = built.reranker as WorkerPoolReranker;
  return {
    component: built.reranker,
    // The provider in use, as the page's status shows it (never the requested "auto").
    description: `cross-encoder ${spec.model.split("/").at(-1)} (ONNX on a worker thread, on ${describeDevice(workerPool.providerReport)}), raw logits`,
    close: () => built.release(),
  };
}

/** Whether `model` is a local folder holding a vision-language reranker (its config.json has `vision_config`). */
async function isVisionLanguageFolder(model: string): Promise<boolean> {
  if (modelReference(model).kind !== "in-process") return false;
  const config = await readFile(join(model.trim(), "config.json"), "utf8").catch(() => undefined);
  if (config === undefined) return false;
  try {
    return typeof (JSON.parse(config) as { vision_config?: unknown }).vision_config === "object";
  } catch {
    return false;
  }
}
