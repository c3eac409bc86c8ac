import type { FusionConfig } from "@hybrid-rag/fusion";

/** The setting tuning is measured against: RRF as the paper and Elasticsearch default it. */
export const baselineFusion: FusionConfig = { method: "rrf", k: 60 };

const rrfConstants = [1, 5, 10, 20, 40, 60, 100, 200];
// Small dense shares too: a weak or domain-shifted dense model may only help a little.
const denseShares = [0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const rrfDenseWeights = [0.1, 0.25, 0.5];
const normalizers = ["min-max", "z-score", "l2", "rank"] as const;

/**
 * The grid `--tune-fusion` searches for two sources: RRF over k (equal weights), RRF (k 10, 60)
 * with dense weight 0.1, 0.25, 0.5 against sparse 1, linear fusion for each normaliser and each
 * dense share w (weights w and 1 − w), DBSF for each share, and max.
 */
export function fusionGrid(dense: string, sparse: string): FusionConfig[] {
  const weightsFor = (share: number) => ({
    [dense]: share,
    [sparse]: Number((1 - share).toFixed(2)),
  });
  return [
    ...rrfConstants.map((k): FusionConfig => (k === 60 ? baselineFusion : { method: "rrf", k })),
    ...[10, 60].flatMap((k) =>
      rrfDenseWeights.map(
        (weight): FusionConfig => ({ method: "rrf", k, weights: { [dense]: weight, [sparse]: 1 } }),
      ),
    ),
    ...normalizers.flatMap((normalizer) =>
      denseShares.map(
        (share): FusionConfig => ({ method: "linear", normalizer, weights: weightsFor(share) }),
      ),
    ),
    ...denseShares.map((share): FusionConfig => ({ method: "dbsf", weights: weightsFor(share) })),
    { method: "max" },
  ];
}
