export { abortError, throwIfAborted } from "./abort.ts";
export { removeLeftoverTemporaryFiles, writeFileAtomically } from "./atomic-file.ts";
export { parseRetryAfter, sleepBeforeRetry } from "./backoff.ts";
export { type JsonLimits, jsonNestingExceeds, parseJsonWithLimits } from "./bounded-json.ts";
export { compareCodePoints } from "./code-point-order.ts";
export { describeValue } from "./describe-value.ts";
export type { Document, MetadataScalar, MetadataValue } from "./document.ts";
export type { DocumentIndex, ItemFailure, WriteOptions, WriteReport } from "./document-index.ts";
export type { DocumentLookup } from "./document-lookup.ts";
export type { Embedder, EmbedOptions } from "./embedder.ts";
export {
  embedBatchSizeSchema,
  embedderSchema,
  passageTextSchema,
  titleAndText,
} from "./embedder-schema.ts";
export {
  type ErrorCode,
  errorCodeForHttpStatus,
  errorCodes,
  HybridRagError,
  type HybridRagErrorOptions,
  isRetryableHttpStatus,
  toHybridRagError,
} from "./errors.ts";
export {
  type EmitsEvents,
  type FuseEndEvent,
  HybridRagEmitter,
  type HybridRagEvents,
  type IndexProgressEvent,
  type Milliseconds,
  type RerankEndEvent,
  type RerankPlanReport,
  type RerankStartEvent,
  type RetrieveEndEvent,
  type RetrieveStartEvent,
  type StageErrorEvent,
} from "./events.ts";
export { fnv1a } from "./fnv1a.ts";
export type { FuseOptions, Fusion } from "./fusion.ts";
export {
  type AbsentEvidence,
  type FailedEvidence,
  type FoundEvidence,
  type FusionEvidence,
  type Hit,
  type RankedList,
  type RerankEvidence,
  type SourceEvidence,
  withConsecutiveRanks,
} from "./hit.ts";
export type { RetryPolicy } from "./http/http-retry.ts";
export {
  type RemoteClientOptions,
  remoteClientOptionsSchema,
} from "./http/remote-client-options.ts";
export {
  type FieldCondition,
  isRangeCondition,
  type MetadataFilter,
  matchesMetadataFilter,
  metadataValueAt,
  type RangeCondition,
} from "./metadata-filter.ts";
export { mulberry32 } from "./mulberry32.ts";
export type { Reranker, RerankOptions } from "./reranker.ts";
export { isBlankQuery, validateRetrieveCall } from "./retrieve-options.ts";
export type { RetrieveOptions, Retriever } from "./retriever.ts";
export {
  documentIdSchema,
  documentSchema,
  metadataFilterSchema,
  type ParseWithSchemaOptions,
  parseWithSchema,
  rangeConditionSchema,
  retrieveOptionsSchema,
} from "./schemas.ts";
export { checkTimeoutMs, maxTimeoutMs, timeoutMsSchema } from "./timeout-ms.ts";
export { validateDeleteCall } from "./validate-delete-call.ts";
export { type ValidatedBatch, validateDocuments } from "./validate-documents.ts";
