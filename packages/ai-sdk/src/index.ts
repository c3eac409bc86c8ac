export { type CitedContext, type CitedContextOptions, citedContext } from "./cited-context.ts";
export { type EmbeddingModelSettings, HybridRagEmbeddingModel } from "./embedding-model.ts";
export {
  createHybridRag,
  type HybridRagProvider,
  hybridRag,
  type SharedScorerSettings,
} from "./hybrid-rag-provider.ts";
export {
  HybridRagRerankingModel,
  type PassageScorer,
  type RerankingModelSettings,
} from "./reranking-model.ts";
export {
  type SearchToolInput,
  type SearchToolOptions,
  type SearchToolOutput,
  searchTool,
  searchToolInputSchema,
} from "./search-tool.ts";
