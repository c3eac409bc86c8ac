// `@hybrid-rag/embeddings/remote`: the embedders that call a server (OpenAI-compatible, NVIDIA
// NIM, Hugging Face TEI). This entry point never imports onnxruntime-node.
export { createNimEmbedder, type NimEmbedderOptions } from "./nim-embedder.ts";
export { createOpenAiEmbedder, type OpenAiEmbedderOptions } from "./openai-embedder.ts";
export {
  type InputKind,
  type RemoteEmbedderOptions,
  remoteEmbedderOptionsSchema,
} from "./remote-embedder.ts";
export { createTeiEmbedder, type TeiEmbedderOptions } from "./tei-embedder.ts";
