import type { ModelFamily } from "../model-family.ts";
import { configNames } from "./decoder-config.ts";
import { buildDecoderReranker } from "./decoder-reranker.ts";
import { decoderOpset } from "./decoder-stack.ts";
import { nvidiaRerankerPairTemplate } from "./llama-bidirectional-family.ts";
import { pairFormatFromConfig } from "./pair-template.ts";
import { poolingFromConfig } from "./pooled-score-head.ts";

// Mistral's blocks are Llama's plus a sliding window (`sliding_window`, null in later configs).
// Two recipes share them:
// - NVIDIA's nv-rerankqa-mistral-4b-v3 (Mistral 7B v0.1 cut to its first 16 layers, LoRA
//   fine-tuned): its model card describes bidirectional attention and a pooled embedding fed to
//   a one-logit head, as the Llama 3.2 rerankers. Its weights are published only inside the
//   NIM container, so the config names (`MistralBidirectional*`, `model_type` "mistral_bidirec",
//   `pooling`) follow the Llama reranker's remote code and could not be checked against a
//   published config.json; `pooling` defaults to "avg" and may say "last" or "cls".
// - transformers' MistralForSequenceClassification (fine-tunes saved with save_pretrained()):
//   causal attention, `score` applied at the last non-pad token.
const bidirectionalArchitectures = new Set([
  "MistralBidirectionalForSequenceClassification",
  "MistralBidirectionalModel",
]);
const bidirectionalModelTypes = new Set(["mistral_bidirec", "bidir_mistral"]);

function isBidirectional(config: Readonly<Record<string, unknown>>): boolean {
  const names = configNames(config);
  return (
    names.architectures.some((name) => bidirectionalArchitectures.has(name)) ||
    (names.modelType !== undefined && bidirectionalModelTypes.has(names.modelType))
  );
}

export const mistralFamily: ModelFamily = {
  name: "mistral",
  tasks: ["cross-encoder", "embedder"],
  opset: decoderOpset,
  matches(config) {
    return (
      isBidirectional(config) ||
      configNames(config).architectures.includes("MistralForSequenceClassification")
    );
  },
  build(context) {
    if (isBidirectional(context.config)) {
      return buildDecoderReranker(context, "mistral", {
        attention: "bidirectional",
        pooling: poolingFromConfig(context.config, "avg", "mistral"),
      });
    }
    return buildDecoderReranker(context, "mistral", { attention: "causal", pooling: "last" });
  },
  pairInputFormat(config) {
    if (isBidirectional(config))
      return pairFormatFromConfig(config, nvidiaRerankerPairTemplate, "mistral");
    // A plain sequence classifier has no model-card format: the tokenizer's pair encoding.
    return typeof config.pair_input_template === "string"
      ? pairFormatFromConfig(config, "", "mistral")
      : { template: undefined };
  },
};
