import {
  type Hit,
  type HybridRagError,
  type Reranker,
  withConsecutiveRanks,
} from "@hybrid-rag/core";
import type { RerankFailurePolicy } from "./pipeline-settings.ts";
import type { StageContext } from "./stage-context.ts";
import { withDeadline } from "./with-deadline.ts";

export interface RerankStageOptions {
  readonly reranker: Reranker;
  readonly final: number;
  readonly timeoutMs: number | undefined;
  readonly onFailure: RerankFailurePolicy;
}

/**
 * Reranks the candidates and keeps the best `final`. On failure or timeout, "fallback" returns
 * the candidates in their fused order with a warning; a fired caller signal always fails.
 */
export async function rerankStage(
  context: StageContext,
  candidates: readonly Hit[],
  options: RerankStageOptions,
): Promise<Hit[]> {
  if (candidates.length === 0) return [];
  const { reranker } = options;
  const started = performance.now();
  context.events.emit("rerank-start", { reranker: reranker.name, candidates: candidates.length });
  try {
    const reranked = await withDeadline(
      (signal) => reranker.rerank(context.query, candidates, { topN: options.final, signal }),
      { signal: context.signal, timeoutMs: options.timeoutMs, what: `reranker "${reranker.name}"` },
    );
    const durationMs = performance.now() - started;
    context.timings.rerank = durationMs;
    context.events.emit("rerank-end", {
      reranker: reranker.name,
      count: reranked.length,
      durationMs,
    });
    return reranked.slice(0, options.final);
  } catch (caught) {
    context.timings.rerank = performance.now() - started;
    const error = caught as HybridRagError;
    const recovered = !context.signal?.aborted && options.onFailure === "fallback";
    context.events.emit("stage-error", { stage: "rerank", error, recovered });
    if (!recovered) throw error;
    context.warnings.push(
      `reranker "${reranker.name}" failed, so the fused order is returned: ${error.message}`,
    );
    return withConsecutiveRanks(candidates.slice(0, options.final));
  }
}
