export { type Chunk, type ChunkMetadata, chunkId } from "./chunk.ts";
export {
  type ChunkableDocument,
  type ChunkedDocument,
  type Chunker,
  createChunker,
} from "./chunk-document.ts";
export {
  type ChunkingOptions,
  type ResolvedChunkingOptions,
  resolveChunkingOptions,
} from "./chunking-options.ts";
export { type SourceSpan, sourceSpanOf } from "./source-span.ts";
export {
  approximateTokenCounter,
  huggingFaceTokenCounter,
  loadTokenCounter,
  type TokenCounter,
} from "./token-counter.ts";
