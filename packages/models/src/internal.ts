// `@hybrid-rag/models/internal`: building blocks the hybrid-rag packages share. Not a stable API:
// it may change in any release. Applications use the public entry point, `@hybrid-rag/models`.
export {
  batchFeeds,
  float32Tensor,
  int64Tensor,
  type PaddedBatch,
  padBatch,
} from "./padded-batch.ts";
export {
  defaultItemsPerBatch,
  defaultTokensPerBatch,
  tokenBudgetBatches,
} from "./token-budget-batches.ts";
export { longestFirstLengths } from "./truncation.ts";
