export { ConcurrencyLimit } from "./concurrency-limit.ts";
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
  fetchWithRetry,
  type HttpRequest,
  type RetryPolicy,
  requestJson,
} from "./http-retry.ts";
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
export { batchFeeds, int64Tensor, type PaddedBatch, padBatch } from "./padded-batch.ts";
export {
  cudaInstallCommand,
  missingProviderLibraries,
  onnxRuntimeBinaryDirectory,
  providerLibraryInstalled,
} from "./provider-libraries.ts";
export {
  chunked,
  describeErrorBody,
  type RemoteClientOptions,
  type ResolvedRemoteClientOptions,
  remoteClientOptionsSchema,
  remotePost,
} from "./remote-client-options.ts";
export { assertStrings, type EncodedText, TextTokenizer } from "./text-tokenizer.ts";
export {
  defaultItemsPerBatch,
  defaultTokensPerBatch,
  tokenBudgetBatches,
} from "./token-budget-batches.ts";
export { longestFirstLengths } from "./truncation.ts";
