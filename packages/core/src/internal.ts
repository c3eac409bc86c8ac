// `@hybrid-rag/core/internal`: building blocks the hybrid-rag packages share (the HTTP client of
// the remote embedders and rerankers, the embed step of every vector store, atomic saves,
// backoff, hashing). Not a stable API: it may change in any release. Applications use the
// public entry point, `@hybrid-rag/core`, which holds the contracts, errors and schemas.
export { abortError, throwIfAborted } from "./abort.ts";
export { assertStrings } from "./assert-strings.ts";
export { removeLeftoverTemporaryFiles, writeFileAtomically } from "./atomic-file.ts";
export { sleepBeforeRetry } from "./backoff.ts";
export { type JsonLimits, jsonNestingExceeds, parseJsonWithLimits } from "./bounded-json.ts";
export { compareCodePoints } from "./code-point-order.ts";
export { ConcurrencyLimit } from "./concurrency-limit.ts";
export {
  type EmbeddedPassages,
  embedPassages,
  type PassageEmbedding,
  type PositionedDocument,
  vectorProblem,
} from "./embed-passages.ts";
export { errorCodeForHttpStatus, isRetryableHttpStatus } from "./errors.ts";
export { fnv1a } from "./fnv1a.ts";
export { withConsecutiveRanks } from "./hit.ts";
export { type ClosableHttpApp, closeWithDeadline } from "./http/close-with-deadline.ts";
export { fetchWithRetry, type HttpRequest, requestJson } from "./http/http-retry.ts";
export {
  chunked,
  describeErrorBody,
  type ResolvedRemoteClientOptions,
  remotePost,
} from "./http/remote-client-options.ts";
export { isRangeCondition, metadataValueAt } from "./metadata-filter.ts";
export { mulberry32 } from "./mulberry32.ts";
export { checkTimeoutMs } from "./timeout-ms.ts";
