export {
  CrossEncoder,
  type CrossEncoderOptions,
  createCrossEncoder,
  type ScorePairsOptions,
} from "./cross-encoder.ts";
export {
  type CrossEncoderSettings,
  type TruncateMode,
  truncateModes,
} from "./cross-encoder-options.ts";
export {
  type CrossEncoderReranker,
  type CrossEncoderRerankerOptions,
  createCrossEncoderReranker,
} from "./cross-encoder-reranker.ts";
export { defaultPassageText, rerankHits } from "./rerank-hits.ts";
