import type { ModelFamily } from "../model-family.ts";
import { buildBertShapedGraph } from "./bert-encoder.ts";

const modelTypes = new Set(["xlm-roberta", "roberta"]);
const architectures = new Set([
  "XLMRobertaForSequenceClassification",
  "XLMRobertaModel",
  "RobertaForSequenceClassification",
  "RobertaModel",
]);

/**
 * XLM-RoBERTa and RoBERTa (bge-reranker-base/large, bge-reranker-v2-m3, multilingual-e5): BERT's
 * encoder with positions counted from padding_idx + 1 over non-padding tokens, one token type,
 * and a dense → tanh → out_proj classification head on <s>.
 */
export const xlmRobertaFamily: ModelFamily = {
  name: "xlm-roberta",
  tasks: ["cross-encoder", "embedder"],
  matches: (config) =>
    (typeof config.model_type === "string" && modelTypes.has(config.model_type)) ||
    (Array.isArray(config.architectures) &&
      config.architectures.some((name) => architectures.has(name))),
  build: (context) =>
    buildBertShapedGraph(context, {
      family: "xlm-roberta",
      prefixes: ["roberta.", ""],
      positions: "roberta",
      tokenTypeInput: false,
      head: "classification-head",
    }),
  pairInputFormat: () => ({ template: undefined }),
};
