// `@hybrid-rag/collection/citations`: what prints a hit's citation, without the indexes, the
// chunker or the loaders (a client that only shows hits, e.g. `hybrid-rag search` through a serve).
export {
  citationLocation,
  type LocatedPassage,
  type SourceSpanView,
  sourceSpanOfChunk,
} from "./citation-location.ts";
export { chunkMetadataOf } from "./collapse-to-parents.ts";
