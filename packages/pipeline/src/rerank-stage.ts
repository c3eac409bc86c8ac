import {
  type Hit,
  type HybridRagError,
  isImageOnly,
  type RerankEndEvent,
  type Reranker,
  textOnlyRerankerError,
} from "@hybrid-rag/core";
import { withConsecutiveRanks } from "@hybrid-rag/core/internal";
import type { RerankFailurePolicy } from "./pipeline-settings.ts";
import type { StageContext } from "./stage-context.ts";
import { validateRerankedHits } from "./validate-component-output.ts";
import { withDeadline } from "./with-deadline.ts";

export interface RerankStageOptions {
  readonly reranker: Reranker;
  readonly final: number;
  readonly timeoutMs: number | undefined;
  readonly onFailure: RerankFailurePolicy;
  /** Extra fields for the rerank-end event (the depth plan and cache counts), given the duration. */
  readonly endDetails?: (
    durationMs: number,
  ) => Omit<RerankEndEvent, "reranker" | "count" | "durationMs">;
}

/**
 * Reranks the candidates and keeps the best `final`. The reranker's output must be a permutation
 * of a subset of the candidates (`validateRerankedHits`); anything else counts as a failure.
 * On failure or timeout, "fallback" returns
 * the candidates in their fused order with a warning; a fired caller signal always fails, and
 * so does an image-only candidate given to a text-only reranker (`unsupported`, naming it).
 */
export async function rerankStage(
  context: StageContext,
  candidates: readonly Hit[],
  options: RerankStageOptions,
): Promise<Hit[]> {
  const { reranker } = options;
  if (candidates.length === 0) {
    context.stages.reranked = { reranker: reranker.name, status: "ok", hits: [], durationMs: 0 };
    return [];
  }
  // A text-only reranker fed an image-only candidate is a configuration error, not a failure
  // to fall back from: every query reaching that document would silently lose its reranking.
  if (reranker.accepts?.images !== true) {
    const imageOnly = candidates.find((hit) => hit.document && isImageOnly(hit.document));
    if (imageOnly) {
      const error = textOnlyRerankerError(reranker.name, imageOnly.id);
      context.emit("stage-error", { stage: "rerank", error, recovered: false });
      throw error;
    }
  }
  const started = performance.now();
  context.emit("rerank-start", { reranker: reranker.name, candidates: candidates.length });
  try {
    const output: unknown = await withDeadline(
      (signal) => reranker.rerank(context.query, candidates, { topN: options.final, signal }),
      { signal: context.signal, timeoutMs: options.timeoutMs, what: `reranker "${reranker.name}"` },
    );
    const reranked = validateRerankedHits(reranker.name, output, candidates);
    const durationMs = performance.now() - started;
    context.timings.rerank = durationMs;
    context.emit("rerank-end", {
      reranker: reranker.name,
      count: reranked.length,
      durationMs,
      ...options.endDetails?.(durationMs),
    });
    const hits = withConsecutiveRanks(reranked.slice(0, options.final));
    context.stages.reranked = { reranker: reranker.name, status: "ok", hits, durationMs };
    return hits;
  } catch (caught) {
    const durationMs = performance.now() - started;
    context.timings.rerank = durationMs;
    const error = caught as HybridRagError;
    const recovered = !context.signal?.aborted && options.onFailure === "fallback";
    context.emit("stage-error", { stage: "rerank", error, recovered });
    if (!recovered) throw error;
    context.warnings.push(
      `reranker "${reranker.name}" failed, so the fused order is returned: ${error.message}`,
    );
    const hits = withConsecutiveRanks(candidates.slice(0, options.final));
    context.stages.reranked = {
      reranker: reranker.name,
      status: "fallback",
      hits,
      durationMs,
      error: error.message,
    };
    return hits;
  }
}
