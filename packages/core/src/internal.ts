// `@hybrid-rag/core/internal`: building blocks the hybrid-rag packages share (the HTTP client of
// the remote embedders and rerankers, a FIFO concurrency limit). Not a stable API: it may change
// in any release. Applications use the public entry point, `@hybrid-rag/core`.
export { assertStrings } from "./assert-strings.ts";
export { ConcurrencyLimit } from "./concurrency-limit.ts";
export {
  type EmbeddedPassages,
  embedPassages,
  type PassageEmbedding,
  type PositionedDocument,
  vectorProblem,
} from "./embed-passages.ts";
export { fetchWithRetry, type HttpRequest, requestJson } from "./http/http-retry.ts";
export {
  chunked,
  describeErrorBody,
  type ResolvedRemoteClientOptions,
  remotePost,
} from "./http/remote-client-options.ts";
