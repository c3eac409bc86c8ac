export {
  type ExecutionProvider,
  type ExecutionProviderChoice,
  executionProviders,
  gpuProviders,
  graphOptimizationLevels,
  type SessionOptions,
  sessionOptionsSchema,
} from "./execution-provider.ts";
export {
  type BuildGraphOptions,
  type BuiltGraph,
  buildModelGraph,
  type GraphEvent,
} from "./graph/build-model-graph.ts";
export { modelFamilies, selectModelFamily } from "./graph/families.ts";
export { defaultGraphCacheDirectory, graphBuilderVersion } from "./graph/graph-cache.ts";
export type {
  FamilyBuildContext,
  GraphPrecision,
  ModelFamily,
  ModelTask,
  PairInputFormat,
  StoredDType,
  TensorInfo,
  VisionInputFormat,
  WeightSource,
} from "./graph/model-family.ts";
export { SafetensorsWeights } from "./graph/safetensors-weights.ts";
export { defaultHubCacheDirectory, isOfflineByEnvironment } from "./hub-cache.ts";
export {
  downloadFromHub,
  type HubOptions,
  type HubSnapshot,
  isHubModelId,
} from "./hub-download.ts";
export {
  type BuiltGraphInfo,
  type LoadModelOptions,
  loadModelDirectory,
  type ModelDirectory,
  type PoolingMode,
  type SentenceTransformersConfig,
} from "./model-directory.ts";
export {
  createOnnxSession,
  type OnnxSession,
  type ProviderReport,
  providerReport,
} from "./onnx-session.ts";
export {
  cudaInstallCommand,
  missingProviderLibraries,
  onnxRuntimeBinaryDirectory,
  providerLibraryInstalled,
} from "./provider-libraries.ts";
export { type EncodedText, TextTokenizer } from "./text-tokenizer.ts";
export {
  type DecodableImageFormat,
  decodeImage,
  defaultImageLimits,
  type ImageLimits,
  sniffImageFormat,
} from "./vision/decode-image.ts";
export { closestTileGrid, type ImageTiles, imageTiles } from "./vision/image-tiles.ts";
export { type RgbImage, resizeBicubic } from "./vision/pil-bicubic-resize.ts";
