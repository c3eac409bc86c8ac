import type { ModelFamily } from "../model-family.ts";
import { configNames } from "./decoder-config.ts";
import { buildDecoderReranker } from "./decoder-reranker.ts";
import { decoderOpset } from "./decoder-stack.ts";
import { pairFormatFromConfig } from "./pair-template.ts";
import { poolingFromConfig } from "./pooled-score-head.ts";

// NVIDIA's Llama 3.2 rerankers (llama-3.2-nv-rerankqa-1b-v2, llama-nemotron-rerank-1b-v2) as
// published: config.json has `architectures: ["LlamaBidirectionalForSequenceClassification"]`,
// `model_type: "llama_bidirec"`, `auto_map` to their remote code (llama_bidirectional_model.py),
// `pooling: "avg"`, `temperature: 1.0`, Llama 3.2 1B's shape and `rope_scaling` with
// `rope_type: "llama3"`. The remote code subclasses transformers' LlamaForSequenceClassification
// with `is_causal = False` on every attention layer and a padding-only 4D mask, pools with the
// mean over non-pad tokens and applies `score` (nn.Linear(hidden, 1, bias=False)), then divides
// by `temperature`; tensors are transformers' Llama names under `model.` plus `score.weight`.
// Confirmed from NVIDIA's published remote code and NeMo's copy of it (found with the code
// search); not confirmed here: the exact bytes of the published config (no network to the Hub).
// `pooling` follows the remote code's `pool_type` ("avg", "last", "cls"); others are refused.
const architectures = new Set([
  "LlamaBidirectionalForSequenceClassification",
  "LlamaBidirectionalModel", // the embedding variant (llama-nemoretriever embedders)
]);
const modelTypes = new Set(["llama_bidirec", "llama_bidirectional"]);

/** The NVIDIA rerankers' model-card format (the NIM's `question:… passage:…` prompt). */
export const nvidiaRerankerPairTemplate = "question:{query} \n \n passage:{passage}";

export const llamaBidirectionalFamily: ModelFamily = {
  name: "llama-bidirectional",
  tasks: ["cross-encoder", "embedder"],
  opset: decoderOpset,
  matches(config) {
    const names = configNames(config);
    return (
      names.architectures.some((name) => architectures.has(name)) ||
      (names.modelType !== undefined && modelTypes.has(names.modelType))
    );
  },
  build: (context) =>
    buildDecoderReranker(context, "llama-bidirectional", {
      attention: "bidirectional",
      pooling: poolingFromConfig(context.config, "avg", "llama-bidirectional"),
    }),
  pairInputFormat: (config) =>
    pairFormatFromConfig(config, nvidiaRerankerPairTemplate, "llama-bidirectional"),
};
