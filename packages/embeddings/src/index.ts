export {
  createOnnxEmbedder,
  type OnnxEmbedder,
  type OnnxEmbedderOptions,
  type OnnxEmbedderSettings,
} from "./onnx-embedder.ts";
export {
  createOnnxEmbedderPool,
  type OnnxEmbedderPool,
  type OnnxEmbedderPoolOptions,
} from "./onnx-embedder-pool.ts";
export { normalizeInPlace, poolHiddenStates } from "./pooling.ts";
export { type Prefixes, type PrefixPreset, prefixPresets } from "./prefixes.ts";
export { createNimEmbedder, type NimEmbedderOptions } from "./remote/nim-embedder.ts";
export { createOpenAiEmbedder, type OpenAiEmbedderOptions } from "./remote/openai-embedder.ts";
export {
  type InputKind,
  type RemoteEmbedderOptions,
  remoteEmbedderOptionsSchema,
} from "./remote/remote-embedder.ts";
export { createTeiEmbedder, type TeiEmbedderOptions } from "./remote/tei-embedder.ts";
