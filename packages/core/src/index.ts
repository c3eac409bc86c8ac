export type {
  Document,
  DocumentImage,
  ImageMediaType,
  InlineImage,
  MetadataScalar,
  MetadataValue,
  StoredImageReference,
} from "./document.ts";
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
  errorCodes,
  HybridRagError,
  type HybridRagErrorOptions,
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
export type { FuseOptions, Fusion } from "./fusion.ts";
export type {
  AbsentEvidence,
  FailedEvidence,
  FoundEvidence,
  FusionEvidence,
  Hit,
  RankedList,
  RerankEvidence,
  SourceEvidence,
} from "./hit.ts";
export type { RetryPolicy } from "./http/http-retry.ts";
export {
  type RemoteClientOptions,
  remoteClientOptionsSchema,
} from "./http/remote-client-options.ts";
export {
  type FieldCondition,
  type MetadataFilter,
  matchesMetadataFilter,
  type RangeCondition,
} from "./metadata-filter.ts";
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
export { maxTimeoutMs, timeoutMsSchema } from "./timeout-ms.ts";
export { validateDeleteCall } from "./validate-delete-call.ts";
export { type ValidatedBatch, validateDocuments } from "./validate-documents.ts";
