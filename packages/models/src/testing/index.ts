export { type BertArchitecture, buildBertGraph } from "./bert-graph.ts";
export {
  createTinyBertModel,
  defaultVocabularyPath,
  type TinyBertModel,
  type TinyBertOptions,
} from "./create-tiny-bert-model.ts";
export {
  type LoopbackHandler,
  type LoopbackServer,
  type RecordedRequest,
  sendJson,
  startLoopbackServer,
} from "./loopback-server.ts";
export { OnnxGraphBuilder } from "./onnx-graph-builder.ts";
export { SeededRandom } from "./seeded-random.ts";
