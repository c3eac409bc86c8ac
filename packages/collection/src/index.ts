export {
  type BuiltContext,
  buildContext,
  type Citation,
  type ContextOptions,
} from "./build-context.ts";
export {
  citationLocation,
  type LocatedPassage,
  type SourceSpanView,
  sourceSpanOfChunk,
} from "./citation-location.ts";
export {
  type CitedPassage,
  citedPassage,
  type PassageSearchResult,
  type SearchPassagesOptions,
  type SearchSource,
  searchPassages,
} from "./cited-passages.ts";
export type { DuplicateSource } from "./collapse-near-duplicates.ts";
export { chunkMetadataOf, collapseToParents, type ParentHit } from "./collapse-to-parents.ts";
export type {
  CollectionEvents,
  DocumentFailure,
  IngestImageCounts,
  IngestProgress,
  IngestStageTimes,
  IngestSummary,
} from "./collection-events.ts";
export {
  CollectionLock,
  type LockCollectionOptions,
  type LockHolder,
  lockCollection,
} from "./collection-lock.ts";
export {
  type CollectionManifest,
  collectionFormatVersion,
  readManifest as readCollectionManifest,
} from "./collection-manifest.ts";
export { DocumentStore, type ParentRecord } from "./document-store.ts";
export {
  type AddDenseSideOptions,
  createEmbeddedCollection,
  type DurableIngestOptions,
  EmbeddedCollection,
  type EmbeddedCollectionOptions,
  type SaveOptions,
} from "./embedded-collection.ts";
export {
  type CollectionIndex,
  type CollectionSearchOptions,
  type CollectionSearchResult,
  HybridCollection,
  type HybridCollectionParts,
} from "./hybrid-collection.ts";
export {
  defaultImageLimits,
  type ImageLimits,
  ImageStore,
  imagesFolder,
  type PreparedImage,
} from "./image-store.ts";
export type { IngestCheckpointOptions, SavedIngest } from "./ingest-checkpoints.ts";
export type { CommittedChanges, IngestItem, IngestOptions } from "./ingest-documents.ts";
export {
  defaultNearDuplicateThreshold,
  type NearDuplicateGroup,
  NearDuplicateGroups,
} from "./near-duplicate-groups.ts";
export { type OpenCollectionOptions, openCollection } from "./open-collection.ts";
export { type ParentDocumentView, parentDocument } from "./parent-document.ts";
export { readParentRecords } from "./read-parent-records.ts";
