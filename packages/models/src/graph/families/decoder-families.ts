import type { ModelFamily } from "../model-family.ts";
import { llamaBidirectionalFamily } from "./llama-bidirectional-family.ts";
import { mistralFamily } from "./mistral-family.ts";
import { qwen3RerankerFamily } from "./qwen3-reranker-family.ts";

/** The decoder rerankers, for the family registry (which also holds the encoders). */
export const decoderFamilies: readonly ModelFamily[] = [
  llamaBidirectionalFamily,
  mistralFamily,
  qwen3RerankerFamily,
];
