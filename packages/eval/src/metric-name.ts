import { HybridRagError } from "@hybrid-rag/core";

export const metricKinds = [
  "recall",
  "precision",
  "ndcg",
  "mrr",
  "map",
  "recall_cap",
  "hit_rate",
] as const;

export type MetricKind = (typeof metricKinds)[number];

/** A parsed metric name such as `ndcg@10` (cutoff 10) or `mrr` (whole run). */
export interface MetricSpec {
  /** The name as given, used as the key in results. */
  readonly name: string;
  readonly kind: MetricKind;
  /** Only the top `cutoff` documents count; undefined = the whole run. */
  readonly cutoff: number | undefined;
}

const pattern = /^([a-z_]+)(?:@(\d+))?$/;

/**
 * Parses `recall@k`, `precision@k`, `ndcg@k`, `mrr` / `mrr@k`, `map` / `map@k`,
 * `recall_cap@k` and `hit_rate@k` (each also without `@k`, meaning the whole run).
 */
export function parseMetric(name: string): MetricSpec {
  const match = pattern.exec(name);
  const kind = match?.[1] as MetricKind | undefined;
  if (!match || kind === undefined || !metricKinds.includes(kind)) {
    throw new HybridRagError(
      "invalid-argument",
      `Unknown metric ${JSON.stringify(name)}. Use one of ${metricKinds.join(", ")}, optionally with a cutoff: "ndcg@10", "recall@100", "mrr".`,
    );
  }
  const cutoffText = match[2];
  const cutoff = cutoffText === undefined ? undefined : Number.parseInt(cutoffText, 10);
  if (cutoff !== undefined && cutoff < 1) {
    throw new HybridRagError(
      "invalid-argument",
      `The cutoff in ${JSON.stringify(name)} must be at least 1.`,
    );
  }
  return { name, kind, cutoff };
}
