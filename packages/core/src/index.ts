export type {
  Document,
  DocumentImage,
  ImageMediaType,
  InlineImage,
  MetadataScalar,
  MetadataValue,
  StoredImageReference,
} from "./document.ts";
export type {
  DocumentIndex,
  ItemFailure,
  ItemSkip,
  WriteOptions,
  WriteReport,
} from "./document-index.ts";
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
  base64DecodedBytes,
  formatImageDataUrl,
  type ImageDataUrlProblem,
  maxBase64Length,
  type ParseImageDataUrlOptions,
  parseImageDataUrl,
} from "./images/image-data-url.ts";
export { type ImageDimensions, readImageDimensions } from "./images/image-dimensions.ts";
export {
  checkImageBytes,
  imageMediaTypes,
  sniffImageMediaType,
} from "./images/image-media-type.ts";
export {
  imageOnlyFailures,
  imageOnlySkipReason,
  isImageOnly,
  textOnlyRerankerError,
} from "./images/image-only.ts";
export { type ImageResolver, inlineImageOf, isInlineImage } from "./images/image-resolver.ts";
export {
  type FieldCondition,
  type MetadataFilter,
  matchesMetadataFilter,
  type RangeCondition,
} from "./metadata-filter.ts";
export type { Reranker, RerankerInputs, RerankOptions } from "./reranker.ts";
export { isBlankQuery, validateRetrieveCall } from "./retrieve-options.ts";
export type { RetrieveOptions, Retriever } from "./retriever.ts";
export {
  documentIdSchema,
  documentImageSchema,
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
