import type { Reranker, Retriever } from "@hybrid-rag/core";
import { createPipeline, type RerankReport, RerankScoreCache } from "@hybrid-rag/pipeline";
import type { RunnablePipeline } from "./engines.ts";
import type { Progress } from "./progress.ts";
import { quantile } from "./statistics.ts";

export interface RerankBudgetReport {
  readonly latencyBudgetMs: number;
  readonly maxDepth: number;
  readonly minDepth: number;
  /** Queries run before the counts start (the cost model learns from them). */
  readonly warmUpQueries: number;
  readonly measuredQueries: number;
  /** Share of measured queries whose rerank stage took ≤ the budget. */
  readonly withinBudget: number;
  readonly rerankMs: { readonly p50: number; readonly p95: number; readonly max: number };
  readonly depth: { readonly p5: number; readonly p50: number; readonly p95: number };
  /** Median and 95th percentile of |actual − predicted|, in ms. */
  readonly predictionErrorMs: { readonly medianAbsolute: number; readonly p95Absolute: number };
  /** Second pass: a seeded 30 % of the queries asked again (retries, popular queries). */
  readonly repeatedQueries: number;
  readonly cache: {
    readonly maxEntries: number;
    readonly hits: number;
    readonly misses: number;
    readonly hitRate: number;
    readonly evictions: number;
  };
}

/**
 * Runs a pipeline with `rerank: { latencyBudgetMs }` and a score cache over every query (the first
 * `warmUp` only teach the cost model), then asks a seeded 30 % of the queries again. Reports how
 * often the rerank stage stayed within budget after warm-up, the depths chosen, the prediction
 * error and the cache's hit rate. A report, not a timed test.
 */
export async function rerankBudgetStage(options: {
  /** The fused (or single-retriever) pipeline without reranker whose list is reranked. */
  readonly base: RunnablePipeline;
  readonly baseName: string;
  readonly reranker: Reranker;
  readonly countTokens?: (query: string, passage: string) => number;
  readonly costKey: string;
  readonly latencyBudgetMs: number;
  readonly maxDepth: number;
  readonly minDepth: number;
  readonly queries: ReadonlyMap<string, string>;
  readonly progress: Progress;
}): Promise<RerankBudgetReport> {
  const { queries, progress, maxDepth, minDepth } = options;
  const cache = new RerankScoreCache(100_000);
  // The base pipeline's list as one retriever: the budgeted pipeline reranks exactly that list.
  const fused: Retriever = {
    name: options.baseName,
    retrieve: async (query, retrieveOptions) =>
      (await options.base.run(query)).hits.slice(0, retrieveOptions.topK),
  };
  const pipeline = createPipeline({
    retrievers: [fused],
    reranker: options.reranker,
    topK: { retrieve: maxDepth, fuse: maxDepth, rerank: maxDepth, final: minDepth },
    rerank: { latencyBudgetMs: options.latencyBudgetMs, minDepth, maxDepth },
    scoreCache: cache,
    rerankCost: {
      costKey: options.costKey,
      ...(options.countTokens ? { countTokens: options.countTokens } : {}),
    },
    onSourceFailure: "fail",
    onRerankFailure: "fail",
  });
  const warmUp = Math.min(20, Math.floor(queries.size / 5));
  const reports: RerankReport[] = [];
  const texts = [...queries.values()];
  const bar = progress.start(
    `rerank budget ${options.latencyBudgetMs} ms`,
    texts.length,
    "queries",
  );
  try {
    for (const text of texts) {
      const { rerank } = await pipeline.run(text);
      if (rerank) reports.push(rerank);
      bar.update(reports.length);
    }
  } finally {
    bar.stop();
  }
  const repeated = seededSample(texts, 0.3, 42);
  for (const text of repeated) await pipeline.run(text);
  const measured = reports.slice(warmUp);
  const actual = measured.map((report) => report.actualMs);
  const errors = measured
    .filter((report) => report.predictionErrorMs !== undefined)
    .map((report) => Math.abs(report.predictionErrorMs!));
  const depths = measured.map((report) => report.depth);
  const stats = cache.stats();
  return {
    latencyBudgetMs: options.latencyBudgetMs,
    maxDepth,
    minDepth,
    warmUpQueries: warmUp,
    measuredQueries: measured.length,
    withinBudget:
      measured.filter((report) => report.actualMs <= options.latencyBudgetMs).length /
      Math.max(1, measured.length),
    rerankMs: { p50: quantile(actual, 0.5), p95: quantile(actual, 0.95), max: Math.max(...actual) },
    depth: { p5: quantile(depths, 0.05), p50: quantile(depths, 0.5), p95: quantile(depths, 0.95) },
    predictionErrorMs: {
      medianAbsolute: quantile(errors, 0.5),
      p95Absolute: quantile(errors, 0.95),
    },
    repeatedQueries: repeated.length,
    cache: {
      maxEntries: stats.maxEntries,
      hits: stats.hits,
      misses: stats.misses,
      hitRate: stats.hits / Math.max(1, stats.hits + stats.misses),
      evictions: stats.evictions,
    },
  };
}

/** A deterministic sample (xorshift32) so that reruns repeat the same queries. */
function seededSample<T>(items: readonly T[], share: number, seed: number): T[] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
  return items.filter(() => next() < share);
}
