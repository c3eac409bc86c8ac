// `@hybrid-rag/reranker/remote`: the rerankers that call a server (NVIDIA NIM, its VLM reranker
// included; Hugging Face TEI; Cohere-compatible; Jina, whose m0 model takes images). This
// entry point never imports onnxruntime-node.
export { type CohereRerankerOptions, createCohereReranker } from "./cohere-reranker.ts";
export { createJinaReranker, type JinaRerankerOptions } from "./jina-reranker.ts";
export { createNimReranker, type NimRerankerOptions } from "./nim-reranker.ts";
export { type RemoteRerankerOptions, remoteRerankerOptionsSchema } from "./remote-reranker.ts";
export { createTeiReranker, type TeiRerankerOptions } from "./tei-reranker.ts";
