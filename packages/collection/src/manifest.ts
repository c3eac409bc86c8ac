// `@hybrid-rag/collection/manifest`: a collection directory's manifest, read without loading the
// collection's code (the indexes, the chunker, the loaders).
export {
  type CollectionManifest,
  collectionFormatVersion,
  readManifest as readCollectionManifest,
} from "./collection-manifest.ts";
