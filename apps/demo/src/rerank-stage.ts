import type { Reranker } from "@hybrid-rag/core";
import type { BuiltStage } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";
import { describeDevice } from "./describe-device.ts";

const howToEnable =
  "RERANKER_MODEL_PATH=<folder of a cross-encoder with onnx/model.onnx, e.g. ms-marco-MiniLM-L-6-v2> pnpm demo (or RERANKER_URL=<reranker-server URL>)";

/** The cross-encoder: a reranking server when RERANKER_URL is set, else in-process ONNX. */
export async function buildRerankStage(config: DemoConfig): Promise<BuiltStage<Reranker>> {
  if (config.rerankerUrl) {
    const { createNimReranker } = await import("@hybrid-rag/reranker");
    return {
      component: createNimReranker({
        baseUrl: config.rerankerUrl,
        // The id the server lists at GET /v1/models (compose serves it as "reranker").
        model: config.rerankerModelName ?? "reranker",
        ...(config.rerankerApiKey ? { apiKey: config.rerankerApiKey } : {}),
      }),
      description: `cross-encoder behind the NIM API at ${config.rerankerUrl}`,
    };
  }
  if (config.rerankerModelPath) {
    const { createWorkerPoolReranker } = await import("@hybrid-rag/reranker");
    const model = config.rerankerModelPath.split("/").at(-1);
    // Tokenising and the model run on a worker thread: the page and its API stay responsive
    // while a query is reranked.
    const reranker = await createWorkerPoolReranker({
      model: config.rerankerModelPath,
      executionProvider: config.executionProvider,
    });
    return {
      component: reranker,
      // The provider in use, as the page's status shows it (never the requested "auto").
      description: `cross-encoder ${model} (ONNX on a worker thread, on ${describeDevice(reranker.workerPool.providerReport)}), raw logits`,
      close: () => reranker.workerPool.release(),
    };
  }
  return {
    off: { reason: "no cross-encoder is configured", howToEnable },
    description: "cross-encoder reranking of the fused list",
  };
}
