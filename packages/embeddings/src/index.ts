export {
  createOnnxEmbedder,
  type OnnxEmbedder,
  type OnnxEmbedderOptions,
  type OnnxEmbedderSettings,
} from "./onnx-embedder.ts";
export { normalizeInPlace, poolHiddenStates } from "./pooling.ts";
export { type Prefixes, type PrefixPreset, prefixPresets } from "./prefixes.ts";
