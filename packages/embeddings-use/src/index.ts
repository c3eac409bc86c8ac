export { tokenBatches } from "./token-batches.ts";
export { createUseLiteEmbedder, type UseLiteEmbedder } from "./use-lite-embedder.ts";
export {
  readUseLiteModelFiles,
  type UseLiteModelFiles,
  useLitePackageName,
} from "./use-lite-model-files.ts";
export { type UseLiteEmbedderOptions, useLiteEmbedderSchema } from "./use-lite-options.ts";
