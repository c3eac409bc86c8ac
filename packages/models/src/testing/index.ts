export {
  llama32OneBillionConfig,
  measureLlamaShape,
  type ShapeFigures,
} from "../graph/testing/llama-shape-figures.ts";
export { scoreDecoderDirectory } from "../graph/testing/score-decoder-directory.ts";
export { type BertArchitecture, buildBertGraph } from "./bert-graph.ts";
export {
  createTinyBertModel,
  defaultVocabularyPath,
  sharedDirectory,
  type TinyBertModel,
  type TinyBertOptions,
} from "./create-tiny-bert-model.ts";
export { OnnxGraphBuilder } from "./onnx-graph-builder.ts";
export { readSciFactSample, type SciFactText } from "./scifact-sample.ts";
export { SeededRandom } from "./seeded-random.ts";
