export {
  HybridRagReranker,
  type HybridRagRerankerOptions,
} from "./hybrid-rag-node-postprocessor.ts";
export {
  type HybridRagNodeMetadata,
  HybridRagRetriever,
  type HybridRagRetrieverOptions,
  passageNode,
} from "./hybrid-rag-retriever.ts";
