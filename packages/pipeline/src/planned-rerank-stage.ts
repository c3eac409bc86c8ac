import type { Document, Hit, Reranker, RerankPlanReport } from "@hybrid-rag/core";
import { type CacheCounts, cachedReranker } from "./cached-reranker.ts";
import { type PageImageSource, withPageImages } from "./page-images.ts";
import type { RerankFailurePolicy } from "./pipeline-settings.ts";
import type { RerankCostModel } from "./rerank-cost-model.ts";
import type { ResolvedRerankPlan } from "./rerank-plan-options.ts";
import { RerankScoreCache } from "./rerank-score-cache.ts";
import { rerankStage } from "./rerank-stage.ts";
import type { StageContext } from "./stage-context.ts";

/** What the run's reranking did: in the result (`rerank`) and in the rerank-end event (`plan`). */
export type RerankReport = RerankPlanReport;

export interface PlannedRerankOptions {
  readonly reranker: Reranker;
  readonly final: number;
  readonly timeoutMs: number | undefined;
  readonly onFailure: RerankFailurePolicy;
  readonly plan: ResolvedRerankPlan;
  readonly costModel: RerankCostModel;
  readonly costKey: string;
  readonly cache: RerankScoreCache | undefined;
  readonly countTokens: (query: string, passage: string) => number;
  readonly passageText: (document: Document) => string;
  /** Page images to add after the chosen depth (`pageImages: "add"`). */
  readonly pageImages?: { readonly source: PageImageSource; readonly max: number } | undefined;
}

/** The default token estimate: about four UTF-16 units per word piece. */
export function estimateTokens(query: string, passage: string): number {
  return Math.ceil((query.length + passage.length) / 4) + 3;
}

/**
 * Chooses the depth (fixed, or the largest whose predicted cost fits the latency budget, from
 * the cost model learned from this reranker's measured calls), reranks that many candidates
 * through the score cache, and teaches the cost model what the call cost.
 */
export async function plannedRerankStage(
  context: StageContext,
  fused: readonly Hit[],
  options: PlannedRerankOptions,
): Promise<{ hits: Hit[]; report: RerankReport }> {
  const { plan, costModel, costKey, cache } = options;
  const limit = Math.min(plan.mode === "depth" ? plan.depth : plan.maxDepth, fused.length);
  // Tokens each candidate would cost: 0 when its score is cached (scoring it is free).
  const cumulative: number[] = [0];
  for (const hit of fused.slice(0, limit)) {
    const passage = hit.document ? options.passageText(hit.document) : undefined;
    const cached =
      cache !== undefined &&
      passage !== undefined &&
      cache.peek(RerankScoreCache.key(options.reranker.name, context.query, passage));
    const tokens =
      cached || passage === undefined ? 0 : options.countTokens(context.query, passage);
    cumulative.push(cumulative.at(-1)! + tokens);
  }
  let depth = limit;
  let predictedMs: number | undefined;
  if (plan.mode === "budget") {
    const floor = Math.min(plan.minDepth, limit);
    if (costModel.count(costKey) === 0) {
      depth = Math.min(plan.initialDepth, limit);
    } else {
      depth = floor;
      for (let candidate = limit; candidate > floor; candidate--) {
        if (costModel.predict(costKey, cumulative[candidate]!)!.safeMs <= plan.latencyBudgetMs) {
          depth = candidate;
          break;
        }
      }
    }
    predictedMs = costModel.predict(costKey, cumulative[depth]!)?.safeMs;
  }
  const counts: CacheCounts = { hits: 0, misses: 0 };
  const reranker = cache
    ? cachedReranker(options.reranker, cache, options.passageText, counts)
    : options.reranker;
  const scoredTokens = cumulative[depth]!;
  const describe = (actualMs: number): RerankReport => ({
    mode: plan.mode,
    depth,
    available: fused.length,
    ...(plan.mode === "budget" ? { latencyBudgetMs: plan.latencyBudgetMs } : {}),
    ...(predictedMs === undefined
      ? {}
      : { predictedMs, predictionErrorMs: actualMs - predictedMs }),
    actualMs,
    scoredTokens,
    ...(cache ? { cache: { ...counts } } : {}),
  });
  let report: RerankReport | undefined;
  const chosen = fused.slice(0, depth);
  const candidates = options.pageImages
    ? withPageImages(chosen, options.pageImages.source, options.pageImages.max)
    : chosen;
  const hits = await rerankStage(context, candidates, {
    reranker,
    final: options.final,
    timeoutMs: options.timeoutMs,
    onFailure: options.onFailure,
    endDetails: (durationMs) => {
      report = describe(durationMs);
      return { plan: report };
    },
  });
  const actualMs = context.timings.rerank ?? 0;
  report ??= describe(actualMs);
  if (context.stages.reranked?.status === "ok" && counts.misses + (cache ? 0 : depth) > 0) {
    costModel.observe(costKey, scoredTokens, actualMs);
  }
  return { hits, report };
}
