import type { ModelFamily } from "../model-family.ts";
import { buildBertShapedGraph } from "./bert-encoder.ts";

const architectures = new Set(["BertForSequenceClassification", "BertModel"]);

/** BERT: ms-marco-MiniLM cross-encoders, bge-small/base, e5, gte, all-MiniLM embedders. */
export const bertFamily: ModelFamily = {
  name: "bert",
  tasks: ["cross-encoder", "embedder"],
  matches: (config) =>
    config.model_type === "bert" ||
    (Array.isArray(config.architectures) &&
      config.architectures.some((name) => architectures.has(name))),
  build: (context) =>
    buildBertShapedGraph(context, {
      family: "bert",
      prefixes: ["bert.", ""],
      positions: "absolute",
      tokenTypeInput: true,
      head: "pooler",
    }),
  pairInputFormat: () => ({ template: undefined }),
};
