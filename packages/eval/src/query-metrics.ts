import type { MetricSpec } from "./metric-name.ts";

/** One query's judged view of a ranked list: what every metric is computed from. */
export interface JudgedRanking {
  /** Grade of the document at each rank (0 when unjudged or not relevant). */
  readonly gains: readonly number[];
  /** Relevant (grade > 0) judgements for the query. */
  readonly relevantCount: number;
  /** Positive grades of every judged document, highest first: the ideal ranking. */
  readonly idealGains: readonly number[];
}

/** One metric for one query, as trec_eval defines it (relevant = grade > 0). */
export function computeQueryMetric(ranking: JudgedRanking, spec: MetricSpec): number {
  const { gains, relevantCount } = ranking;
  const depth = Math.min(spec.cutoff ?? gains.length, gains.length);
  const relevantRetrieved = countRelevant(gains, depth);
  switch (spec.kind) {
    case "recall":
      return relevantCount === 0 ? 0 : relevantRetrieved / relevantCount;
    case "recall_cap": {
      const denominator = Math.min(spec.cutoff ?? relevantCount, relevantCount);
      return denominator === 0 ? 0 : relevantRetrieved / denominator;
    }
    case "precision": {
      // trec_eval's P@k divides by k even when fewer documents were retrieved.
      const denominator = spec.cutoff ?? gains.length;
      return denominator === 0 ? 0 : relevantRetrieved / denominator;
    }
    case "hit_rate":
      return relevantRetrieved > 0 ? 1 : 0;
    case "mrr":
      return reciprocalRank(gains, depth);
    case "map":
      return averagePrecision(gains, depth, relevantCount);
    case "ndcg":
      return normalizedDcg(ranking, depth, spec.cutoff);
  }
}

function countRelevant(gains: readonly number[], depth: number): number {
  let count = 0;
  for (let index = 0; index < depth; index += 1) if ((gains[index] ?? 0) > 0) count += 1;
  return count;
}

function reciprocalRank(gains: readonly number[], depth: number): number {
  for (let index = 0; index < depth; index += 1) {
    if ((gains[index] ?? 0) > 0) return 1 / (index + 1);
  }
  return 0;
}

function averagePrecision(gains: readonly number[], depth: number, relevantCount: number): number {
  if (relevantCount === 0) return 0;
  let found = 0;
  let sum = 0;
  for (let index = 0; index < depth; index += 1) {
    if ((gains[index] ?? 0) <= 0) continue;
    found += 1;
    sum += found / (index + 1);
  }
  return sum / relevantCount;
}

function normalizedDcg(ranking: JudgedRanking, depth: number, cutoff: number | undefined): number {
  const ideal = discountedGain(ranking.idealGains, cutoff ?? ranking.idealGains.length);
  return ideal > 0 ? discountedGain(ranking.gains, depth) / ideal : 0;
}

/** DCG with gain = grade and discount log2(rank + 1), as trec_eval's ndcg_cut. */
function discountedGain(gains: readonly number[], depth: number): number {
  let sum = 0;
  const limit = Math.min(depth, gains.length);
  for (let index = 0; index < limit; index += 1) {
    const gain = gains[index] ?? 0;
    if (gain > 0) sum += gain / Math.log2(index + 2);
  }
  return sum;
}
