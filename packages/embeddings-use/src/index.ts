export { tokenBatches } from "./token-batches.ts";
export { createUseLiteEmbedder, type UseLiteEmbedder } from "./use-lite-embedder.ts";
export {
  createUseLiteEmbedderPool,
  type UseLiteEmbedderPoolOptions,
} from "./use-lite-embedder-pool.ts";
export {
  readUseLiteModelFiles,
  type UseLiteModelFiles,
  useLitePackageName,
} from "./use-lite-model-files.ts";
export {
  type UseLiteEmbedderOptions,
  useLiteEmbedderSchema,
  useLiteModelName,
} from "./use-lite-options.ts";
export { type UseLiteTokenCounter, useLiteTokenCounter } from "./use-lite-token-counter.ts";
export {
  loadUseLiteTokenizer,
  type UseLiteTokenizer,
  useLiteEncoder,
} from "./use-lite-tokenizer.ts";
