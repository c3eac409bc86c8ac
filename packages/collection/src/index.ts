export {
  type BuiltContext,
  buildContext,
  type Citation,
  type ContextOptions,
} from "./build-context.ts";
export { chunkMetadataOf, collapseToParents, type ParentHit } from "./collapse-to-parents.ts";
export type {
  CollectionEvents,
  IngestProgress,
  IngestStageTimes,
  IngestSummary,
} from "./collection-events.ts";
export {
  type CollectionManifest,
  collectionFormatVersion,
  readManifest as readCollectionManifest,
} from "./collection-manifest.ts";
export { DocumentStore, type ParentRecord } from "./document-store.ts";
export {
  createEmbeddedCollection,
  EmbeddedCollection,
  type EmbeddedCollectionOptions,
  type OpenCollectionOptions,
  openCollection,
} from "./embedded-collection.ts";
export {
  type CollectionIndex,
  type CollectionSearchOptions,
  type CollectionSearchResult,
  HybridCollection,
  type HybridCollectionParts,
} from "./hybrid-collection.ts";
export type { IngestItem, IngestOptions } from "./ingest-documents.ts";
