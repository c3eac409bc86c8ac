export { contractCorpus, contractDocument } from "./contract-corpus.ts";
export { type EmbedderContractOptions, runEmbedderContract } from "./embedder-contract.ts";
export {
  type EmbeddingIndexContractOptions,
  type EmbeddingIndexUnderTest,
  type EmbeddingSettings,
  runEmbeddingIndexContract,
} from "./embedding-index-contract.ts";
export { expectErrorCode } from "./expect-error.ts";
export { expectWellFormedRanking } from "./expect-ranked.ts";
export { type FusionContractOptions, rankedList, runFusionContract } from "./fusion-contract.ts";
export { HashingEmbedder } from "./hashing-embedder.ts";
export { InMemoryKeywordRetriever } from "./in-memory-keyword-retriever.ts";
export { canListNativeLibraries, nativeLibrariesLoadedBy } from "./loaded-native-libraries.ts";
export {
  type LoopbackHandler,
  type LoopbackServer,
  type RecordedRequest,
  sendJson,
  startLoopbackServer,
} from "./loopback-server.ts";
export {
  contractCandidates,
  type RerankerContractOptions,
  runRerankerContract,
} from "./reranker-contract.ts";
export {
  type RetrieverContractOptions,
  type RetrieverUnderTest,
  runRetrieverContract,
} from "./retriever-contract.ts";
export { simpleTokens } from "./simple-tokens.ts";
export { imageHeaderSamples, tinyPng } from "./tiny-images.ts";
export { WordOverlapReranker } from "./word-overlap-reranker.ts";
export { zipfWords } from "./zipf-words.ts";
