export {
  HybridRagDocumentCompressor,
  type HybridRagDocumentCompressorInput,
} from "./hybrid-rag-document-compressor.ts";
export { HybridRagEmbeddings, type HybridRagEmbeddingsInput } from "./hybrid-rag-embeddings.ts";
export {
  type HybridRagDocumentMetadata,
  HybridRagRetriever,
  type HybridRagRetrieverInput,
} from "./hybrid-rag-retriever.ts";
