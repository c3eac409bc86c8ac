export {
  createDecoderRerankerDirectory,
  type DecoderRerankerFamilyName,
} from "../graph/testing/create-decoder-reranker.ts";
export {
  createVisionRerankerDirectory,
  tinyNemotronVlConfig,
  visionSpecialTokens,
} from "../graph/testing/create-vision-reranker.ts";
export {
  llama32OneBillionConfig,
  measureLlamaShape,
  type ShapeFigures,
  writeLlamaShapeDirectory,
} from "../graph/testing/llama-shape-figures.ts";
export { scoreDecoderDirectory } from "../graph/testing/score-decoder-directory.ts";
export { scoreVisionDirectory } from "../graph/testing/score-vision-directory.ts";
export { writeTestImages } from "../graph/testing/test-images.ts";
export { referenceLogits as decoderReferenceLogits } from "../graph/testing/torch-reference.ts";
export {
  type VisionReferenceOutput,
  type VisionReferenceRequest,
  visionReference,
} from "../graph/testing/vision-reference.ts";
export { type BertArchitecture, buildBertGraph } from "./bert-graph.ts";
export {
  createSafetensorsModel,
  type EncoderFamilyName,
  type SafetensorsModelOptions,
} from "./create-safetensors-model.ts";
export {
  createTinyBertModel,
  defaultVocabularyPath,
  sharedDirectory,
  type TinyBertModel,
  type TinyBertOptions,
} from "./create-tiny-bert-model.ts";
export { type BmpVariant, bmpVariants, encodeTestBmp } from "./encode-bmp.ts";
export { OnnxGraphBuilder } from "./onnx-graph-builder.ts";
export {
  type ReferenceBatch,
  type ReferenceOutput,
  referenceDirectory,
  referencePython,
  runPytorchReference,
  torchUnavailableReason,
} from "./pytorch-reference.ts";
export { readSciFactSample, type SciFactText } from "./scifact-sample.ts";
export { SeededRandom } from "./seeded-random.ts";
export {
  encodeSafetensors,
  type SafetensorsEntry,
  writeSafetensorsWeights,
} from "./write-safetensors.ts";
