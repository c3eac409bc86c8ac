import type { FusionConfig } from "@hybrid-rag/fusion";

/** The setting tuning is measured against: RRF as the paper and Elasticsearch default it. */
export const baselineFusion: FusionConfig = { method: "rrf", k: 60 };

const rrfConstants = [1, 5, 10, 20, 40, 60, 100, 200];
const denseShares = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const normalizers = ["min-max", "z-score", "l2", "rank"] as const;

/**
 * The grid `--tune-fusion` searches for two sources: RRF over k (equal weights), linear fusion
 * for each normaliser and each dense share w (weights w and 1 − w), DBSF for each share, and max.
 */
export function fusionGrid(dense: string, sparse: string): FusionConfig[] {
  const weightsFor = (share: number) => ({
    [dense]: share,
    [sparse]: Number((1 - share).toFixed(2)),
  });
  return [
    ...rrfConstants.map((k): FusionConfig => (k === 60 ? baselineFusion : { method: "rrf", k })),
    ...normalizers.flatMap((normalizer) =>
      denseShares.map(
        (share): FusionConfig => ({ method: "linear", normalizer, weights: weightsFor(share) }),
      ),
    ),
    ...denseShares.map((share): FusionConfig => ({ method: "dbsf", weights: weightsFor(share) })),
    { method: "max" },
  ];
}
