export {
  type ConcatenateFusionOptions,
  concatenateFusion,
  concatenateFusionOptionsSchema,
} from "./concatenate-fusion.ts";
export {
  createFusion,
  type FusionConfig,
  type FusionMethod,
  fusionConfigSchema,
  fusionMethodRegistry,
  fusionMethods,
} from "./create-fusion.ts";
export {
  type DistributionBasedScoreFusionOptions,
  distributionBasedScoreFusion,
  distributionBasedScoreFusionOptionsSchema,
} from "./distribution-based-score-fusion.ts";
export type { Arithmetic, CommonFusionOptions } from "./fusion-options.ts";
export {
  type LinearFusionOptions,
  linearFusion,
  linearFusionOptionsSchema,
} from "./linear-fusion.ts";
export {
  type MaxScoreFusionOptions,
  maxScoreFusion,
  maxScoreFusionOptionsSchema,
} from "./max-score-fusion.ts";
export type { Normalizer } from "./normalizers.ts";
export {
  type ElasticsearchRrfOptions,
  elasticsearchReciprocalRankFusion,
  type QdrantRrfOptions,
  qdrantReciprocalRankFusion,
  type ReciprocalRankFusionOptions,
  type RrfFlavour,
  reciprocalRankFusion,
  reciprocalRankFusionOptionsSchema,
} from "./reciprocal-rank-fusion.ts";
