export {
  type ExecutionProvider,
  type ExecutionProviderChoice,
  executionProviders,
  gpuProviders,
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
