export {
  type ExecutionProvider,
  type ExecutionProviderChoice,
  executionProviders,
  graphOptimizationLevels,
  type SessionOptions,
  sessionOptionsSchema,
} from "./execution-provider.ts";
export { defaultHubCacheDirectory, isOfflineByEnvironment } from "./hub-cache.ts";
export {
  downloadFromHub,
  type HubOptions,
  type HubSnapshot,
  isHubModelId,
} from "./hub-download.ts";
export {
  type LoadModelOptions,
  loadModelDirectory,
  type ModelDirectory,
  type PoolingMode,
  type SentenceTransformersConfig,
} from "./model-directory.ts";
export { createOnnxSession, type OnnxSession } from "./onnx-session.ts";
export { type EncodedText, TextTokenizer } from "./text-tokenizer.ts";
