import type { ImageResolver, Reranker } from "@hybrid-rag/core";
import { buildReranker } from "@hybrid-rag/pipeline";
import type { WorkerPoolReranker } from "@hybrid-rag/reranker";
import type { BuiltStage } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";
import { describeDevice } from "./describe-device.ts";

const howToEnable =
  "RERANKER_MODEL_PATH=<folder of a cross-encoder with onnx/model.onnx, e.g. ms-marco-MiniLM-L-6-v2> pnpm demo (or RERANKER_URL=<reranker-server URL>)";

/**
 * The spec's cross-encoder: a reranking server (RERANKER_URL; a NIM VLM one, `reranker.images`,
 * reads the collection's stored images through `images`), or in-process ONNX on a worker
 * thread. A vision-language reranker folder (llama-nemotron-rerank-vl: `vision_config` in its
 * config.json) runs on the worker thread too: the pool reads the collection's stored images
 * through `images` on this thread and hands their bytes to the worker, so the model scores the
 * page images the pipeline adds without holding the demo's event loop.
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
  // Tokenising, image decoding and the model run on a worker thread: the page and its API stay
  // responsive while a query is reranked.
  const built = await buildReranker(spec, {
    executionProvider,
    options: {
      rerankerOnWorker: true,
      ...(config.rerankerApiKey ? { apiKeys: { reranker: config.rerankerApiKey } } : {}),
      // A VLM (an endpoint with `reranker.images`, or a vision-language folder) is given the
      // collection's stored page images.
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
  const name = spec.model.split("/").at(-1);
  // The provider in use, as the page's status shows it (never the requested "auto").
  const device = `ONNX on a worker thread, on ${describeDevice(workerPool.providerReport)}`;
  return {
    component: built.reranker,
    description: workerPool.acceptsImages
      ? `VLM reranker ${name} (${device}): text chunks${images ? " and page images" : ""}, raw logits`
      : `cross-encoder ${name} (${device}), raw logits`,
    close: () => built.release(),
  };
}
