export {
  CrossEncoder,
  type CrossEncoderOptions,
  createCrossEncoder,
  type ScoreEncodedOptions,
  type ScorePairsOptions,
  type ScorePassagesOptions,
  type TokenizePairsOptions,
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
export {
  CrossEncoderWorkerPool,
  type CrossEncoderWorkerPoolOptions,
  createCrossEncoderWorkerPool,
} from "./cross-encoder-worker-pool.ts";
export type { EncodedPair, QueryPassagePair } from "./encode-pairs.ts";
export type { VisionEncodedPair, VisionPair } from "./encode-vision-pairs.ts";
export type {
  ImageBytesEncodedPair,
  ImageBytesPair,
  PendingImage,
  TokenizeImagePairsOptions,
} from "./image-bytes-pairs.ts";
export type { ChosenModelFile, ModelPrecision } from "./model-precision.ts";
export { type CohereRerankerOptions, createCohereReranker } from "./remote/cohere-reranker.ts";
export { createJinaReranker, type JinaRerankerOptions } from "./remote/jina-reranker.ts";
export { createNimReranker, type NimRerankerOptions } from "./remote/nim-reranker.ts";
export {
  type RemoteRerankerOptions,
  remoteRerankerOptionsSchema,
} from "./remote/remote-reranker.ts";
export { createTeiReranker, type TeiRerankerOptions } from "./remote/tei-reranker.ts";
export { defaultPassageText, rerankHits } from "./rerank-hits.ts";
export type { ImageReadingOptions, PassageWithImage } from "./vision-documents.ts";
export {
  createWorkerPoolReranker,
  type WorkerPoolReranker,
  type WorkerPoolRerankerOptions,
} from "./worker-pool-reranker.ts";
