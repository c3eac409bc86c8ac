import { HybridRagError } from "@hybrid-rag/core";
import { type MetricSpec, parseMetric } from "./metric-name.ts";
import { computeQueryMetric, type JudgedRanking } from "./query-metrics.ts";
import { rankLikeTrecEval } from "./trec-order.ts";
import type { Qrels, Run, RunEntry } from "./types.ts";

export interface EvaluateOptions {
  /** Drop retrieved documents whose id equals the query id (BEIR's option, needed for ArguAna). */
  readonly ignoreIdenticalIds?: boolean;
  /**
   * Which queries the mean is taken over.
   * - `"qrels"` (default, trec_eval `-c`): every query in the qrels; a query the run lacks
   *   scores 0 on every metric.
   * - `"run-and-qrels"` (trec_eval without `-c`, pytrec_eval, BEIR): only queries in both.
   * Queries in the run but not in the qrels are never evaluated (trec_eval skips them too).
   */
  readonly averageOver?: "qrels" | "run-and-qrels";
}

export interface RunEvaluation {
  /** Metric names in the order asked for. */
  readonly metrics: readonly string[];
  /** Arithmetic mean per metric over the evaluated queries (0 when there are none). */
  readonly mean: Readonly<Record<string, number>>;
  /** Per evaluated query, every metric. */
  readonly perQuery: ReadonlyMap<string, Readonly<Record<string, number>>>;
  readonly queryCount: number;
  /** Queries in the qrels that the run does not have (scored 0 with `averageOver: "qrels"`). */
  readonly missingQueries: readonly string[];
  /** Queries in the run without judgements (not evaluated). */
  readonly unjudgedQueries: readonly string[];
}

/**
 * Evaluates a run against qrels with trec_eval's definitions: the run is ordered by score
 * (descending), ties by document id (descending), then cut at k; a grade > 0 is relevant;
 * nDCG uses the grade as gain and log2(rank + 1) as discount, with the ideal from the qrels.
 */
export function evaluateRun(
  run: Run,
  qrels: Qrels,
  metrics: readonly string[],
  options: EvaluateOptions = {},
): RunEvaluation {
  const specs = parseMetrics(metrics);
  const averageOver = options.averageOver ?? "qrels";
  const perQuery = new Map<string, Record<string, number>>();
  const missingQueries: string[] = [];
  for (const [queryId, grades] of qrels) {
    const entries = run.get(queryId);
    if (entries === undefined) {
      missingQueries.push(queryId);
      if (averageOver === "run-and-qrels") continue;
    }
    const kept = options.ignoreIdenticalIds
      ? (entries ?? []).filter((entry) => entry.docId !== queryId)
      : (entries ?? []);
    const ranking = judge(queryId, kept, grades);
    const values: Record<string, number> = {};
    for (const spec of specs) values[spec.name] = computeQueryMetric(ranking, spec);
    perQuery.set(queryId, values);
  }
  const unjudgedQueries = [...run.keys()].filter((queryId) => !qrels.has(queryId));
  return {
    metrics: specs.map((spec) => spec.name),
    mean: meanOf(specs, perQuery),
    perQuery,
    queryCount: perQuery.size,
    missingQueries,
    unjudgedQueries,
  };
}

function parseMetrics(metrics: readonly string[]): MetricSpec[] {
  if (!Array.isArray(metrics) || metrics.length === 0) {
    throw new HybridRagError(
      "invalid-argument",
      'evaluateRun needs at least one metric name, e.g. ["ndcg@10", "recall@100"].',
    );
  }
  return [...new Set(metrics)].map(parseMetric);
}

function judge(
  queryId: string,
  entries: readonly RunEntry[],
  grades: ReadonlyMap<string, number>,
): JudgedRanking {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!Number.isFinite(entry.score)) {
      throw new HybridRagError(
        "invalid-argument",
        `Run entry for query "${queryId}", document "${entry.docId}" has score ${entry.score}; scores must be finite numbers.`,
      );
    }
    if (seen.has(entry.docId)) {
      throw new HybridRagError(
        "invalid-argument",
        `The run lists document "${entry.docId}" twice for query "${queryId}"; trec_eval rejects duplicate documents, keep one entry per document.`,
      );
    }
    seen.add(entry.docId);
  }
  const gains = rankLikeTrecEval(entries).map((entry) => Math.max(grades.get(entry.docId) ?? 0, 0));
  const positive = [...grades.values()].filter((grade) => grade > 0);
  return {
    gains,
    relevantCount: positive.length,
    idealGains: positive.sort((left, right) => right - left),
  };
}

function meanOf(
  specs: readonly MetricSpec[],
  perQuery: ReadonlyMap<string, Readonly<Record<string, number>>>,
): Record<string, number> {
  const mean: Record<string, number> = {};
  for (const spec of specs) {
    let sum = 0;
    for (const values of perQuery.values()) sum += values[spec.name] ?? 0;
    mean[spec.name] = perQuery.size === 0 ? 0 : sum / perQuery.size;
  }
  return mean;
}
