export {
  type BuiltPipeline,
  buildComponents,
  buildPipeline,
  type PipelineComponents,
} from "./components/build-components.ts";
export type { BuildComponentsOptions } from "./components/build-options.ts";
export type {
  BuiltEmbedder,
  EmbedderSpec,
  ModelTokenCounter,
} from "./components/built-embedder.ts";
export {
  buildEmbedder,
  type EmbedderKind,
  embedderKinds,
  offlineHint,
} from "./components/embedder-kinds.ts";
export {
  isEndpointUrl,
  isNoModel,
  type ModelReference,
  modelReference,
  prefixesForModel,
  useLiteModel,
} from "./components/model-reference.ts";
export {
  type BuiltReranker,
  buildReranker,
  type RerankerKind,
  type RerankerSpec,
  rerankerKinds,
} from "./components/reranker-kinds.ts";
export {
  type BuiltRetriever,
  buildDenseRetriever,
  buildSparseRetriever,
  type DenseSpec,
  denseEngines,
  type IndexRetriever,
  type SparseSpec,
  sparseEngines,
} from "./components/retriever-engines.ts";
export {
  createPipeline,
  type Pipeline,
  type PipelineResult,
  type PipelineResultWithStages,
  type PipelineRunOptions,
} from "./create-pipeline.ts";
export { type ListenerErrorSink, ListenerSafeEmitter } from "./listener-safe-emitter.ts";
export {
  defaultMaxPageImages,
  type PageImageSource,
  pageImageSourceName,
  withPageImages,
} from "./page-images.ts";
export {
  type ComponentRegistry,
  createPipelineFromDefinition,
  type PipelineDefinition,
  pipelineDefinitionSchema,
} from "./pipeline-definition.ts";
export type { PipelineOptions } from "./pipeline-options.ts";
export type {
  PageImagesMode,
  PipelineSettings,
  RerankFailurePolicy,
  SourceFailurePolicy,
  StageTimeouts,
  StageTopK,
} from "./pipeline-settings.ts";
export {
  chunkingSpecSchema,
  denseSpecSchema,
  embedderSpecSchema,
  type PipelineSpec,
  type PipelineSpecInput,
  parsePipelineSpec,
  pipelineSpecJsonSchema,
  pipelineSpecSchema,
  pipelineSpecVersion,
  rerankerSpecSchema,
  sparseSpecSchema,
} from "./pipeline-spec.ts";
export type {
  FusionStageResult,
  PipelineStages,
  RerankStageResult,
  RetrieverStageResult,
} from "./pipeline-stages.ts";
export { estimateTokens, type RerankReport } from "./planned-rerank-stage.ts";
export { readPipelineSpecFile } from "./read-spec-file.ts";
export { type CostPrediction, RerankCostModel } from "./rerank-cost-model.ts";
export type { RerankCostOptions, RerankPlan } from "./rerank-plan-options.ts";
export { RerankScoreCache, type ScoreCacheStats } from "./rerank-score-cache.ts";
export {
  applySpecFlags,
  parseWeights,
  type SpecFlag,
  type SpecFlagPath,
  specFieldSchema,
  specFlag,
  specValueAt,
} from "./spec-flags.ts";
export { type DeadlineOptions, withDeadline } from "./with-deadline.ts";
