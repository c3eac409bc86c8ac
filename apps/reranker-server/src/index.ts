export type { CohereRerankRequest, CohereRerankResponse } from "./cohere-rerank-api.ts";
export { configFromEnvironment, type ServerConfig } from "./config.ts";
export {
  type CrossEncoderPair,
  crossEncoderScorer,
  type ScorerOptions,
  workerPoolScorer,
} from "./cross-encoder-scorer.ts";
export { type BatchReport, DynamicBatcher, type DynamicBatcherOptions } from "./dynamic-batcher.ts";
export type { PairScorer, ScoringPair, TokenizedPair } from "./pair-scorer.ts";
export type { RankingRequest, RankingResponse } from "./ranking-api.ts";
export {
  createRerankerServer,
  type RerankerServer,
  type RerankerServerOptions,
  type RerankerServerSettings,
} from "./server.ts";
