import type { Reranker } from "@hybrid-rag/core";
import { buildReranker } from "@hybrid-rag/pipeline";
import type { WorkerPoolReranker } from "@hybrid-rag/reranker";
import type { BuiltStage } from "./build-demo-components.ts";
import type { DemoConfig } from "./demo-config.ts";
import { describeDevice } from "./describe-device.ts";

const howToEnable =
  "RERANKER_MODEL_PATH=<folder of a cross-encoder with onnx/model.onnx, e.g. ms-marco-MiniLM-L-6-v2> pnpm demo (or RERANKER_URL=<reranker-server URL>)";

/** The spec's cross-encoder: a reranking server (RERANKER_URL), or in-process ONNX on a worker thread. */
export async function buildRerankStage(config: DemoConfig): Promise<BuiltStage<Reranker>> {
  const { reranker: spec, executionProvider } = config.spec;
  if (!spec) {
    return {
      off: { reason: "no cross-encoder is configured", howToEnable },
      description: "cross-encoder reranking of the fused list",
    };
  }
  // Tokenising and the model run on a worker thread: the page and its API stay responsive
  // while a query is reranked.
  const built = await buildReranker(spec, {
    executionProvider,
    options: {
      rerankerOnWorker: true,
      ...(config.rerankerApiKey ? { apiKeys: { reranker: config.rerankerApiKey } } : {}),
    },
  });
  if (built.kind === "endpoint") {
    return {
      component: built.reranker,
      description: `cross-encoder behind the ${spec.api === "nim" ? "NIM" : spec.api} API at ${spec.model}`,
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
