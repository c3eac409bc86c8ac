import {
  type Fusion,
  type Hit,
  type HybridRagEmitter,
  HybridRagError,
  type MetadataFilter,
  type RankedList,
  type Retriever,
  titleAndText,
  toHybridRagError,
} from "@hybrid-rag/core";
import { withConsecutiveRanks } from "@hybrid-rag/core/internal";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";
import { type ListenerErrorSink, ListenerSafeEmitter } from "./listener-safe-emitter.ts";
import { type PipelineOptions, resolvePipelineOptions } from "./pipeline-options.ts";
import type { PipelineStages, StageRecord } from "./pipeline-stages.ts";
import { estimateTokens, plannedRerankStage, type RerankReport } from "./planned-rerank-stage.ts";
import { RerankCostModel } from "./rerank-cost-model.ts";
import { retrieveStage } from "./retrieve-stage.ts";
import type { StageContext } from "./stage-context.ts";
import { withDeadline } from "./with-deadline.ts";

export interface PipelineRunOptions {
  readonly signal?: AbortSignal;
  /** Passed to every retriever. */
  readonly filter?: MetadataFilter;
  /**
   * Also return `stages`: every retriever's list, the fused list and the reranked list, each
   * with its duration and status. Off by default so that results passed on as they are (sent as
   * JSON, cached) do not grow by every candidate list.
   */
  readonly includeStages?: boolean;
}

export interface PipelineResult {
  readonly hits: Hit[];
  /** Milliseconds per stage: "retrieve:<source>", "retrieve", "fuse", "rerank", "total". */
  readonly timings: Record<string, number>;
  /** What went wrong without failing the query (a source left out, a reranker fallback). */
  readonly warnings: string[];
  /** Every intermediate list; only when the run was asked for it with `includeStages: true`. */
  readonly stages?: PipelineStages;
  /** With a reranker: the depth reranked (fixed or chosen by the latency budget), prediction error, cache counts. */
  readonly rerank?: RerankReport;
}

/** A result asked for with `includeStages: true`. */
export interface PipelineResultWithStages extends PipelineResult {
  readonly stages: PipelineStages;
}

export interface Pipeline {
  run(
    query: string,
    options: PipelineRunOptions & { readonly includeStages: true },
  ): Promise<PipelineResultWithStages>;
  run(query: string, options?: PipelineRunOptions): Promise<PipelineResult>;
  /**
   * retrieve-start, retrieve-end, fuse-end, rerank-start, rerank-end, stage-error. A listener that
   * throws (or rejects) never fails the run: the run's `warnings` say which event's listener failed.
   */
  readonly events: HybridRagEmitter;
}

/**
 * Retrievers (in parallel) → fusion → optional reranker → top `final` hits.
 * `createPipeline({ retrievers: [bm25, dense], reranker })` is the whole hybrid setup.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const resolved = resolvePipelineOptions(options);
  const fusion =
    resolved.fusion ?? (resolved.retrievers.length > 1 ? reciprocalRankFusion() : undefined);
  if (fusion !== undefined) checkFusionFits(fusion, resolved.retrievers);
  const events = new ListenerSafeEmitter();
  const { topK, timeouts } = resolved;
  // Learned from this pipeline's own reranker calls (latency-budget mode).
  const costModel = new RerankCostModel();
  const rerankCost = {
    costKey: resolved.rerankCost.costKey ?? resolved.reranker?.name ?? "",
    countTokens: resolved.rerankCost.countTokens ?? estimateTokens,
    passageText: resolved.rerankCost.passageText ?? titleAndText,
  };

  async function runStages(context: StageContext, reports: RerankReport[]): Promise<Hit[]> {
    const lists = await retrieveStage(context, {
      retrievers: resolved.retrievers,
      topK: topK.retrieve,
      timeoutMs: timeouts.retrieve,
      policyFor: resolved.policyFor,
    });
    const fused =
      fusion === undefined ? lists[0]!.hits.slice(0, topK.fuse) : fuseStage(context, lists);
    if (resolved.reranker === undefined) return withConsecutiveRanks(fused.slice(0, topK.final));
    const { hits, report } = await plannedRerankStage(context, fused, {
      reranker: resolved.reranker,
      final: topK.final,
      timeoutMs: timeouts.rerank,
      onFailure: resolved.onRerankFailure,
      plan: resolved.rerankPlan,
      costModel,
      cache: resolved.scoreCache,
      pageImages: resolved.pageImages,
      ...rerankCost,
    });
    reports.push(report);
    return hits;
  }

  function fuseStage(context: StageContext, lists: RankedList[]): Hit[] {
    const started = performance.now();
    try {
      const hits = fusion!.fuse(lists, { topK: topK.fuse });
      const durationMs = performance.now() - started;
      context.timings.fuse = durationMs;
      context.stages.fused = { method: fusion!.name, hits, durationMs };
      const inputCounts = Object.fromEntries(lists.map((list) => [list.source, list.hits.length]));
      context.emit("fuse-end", {
        method: fusion!.name,
        inputCounts,
        count: hits.length,
        durationMs,
      });
      return hits;
    } catch (caught) {
      const error = toHybridRagError(caught, `fusion "${fusion!.name}"`);
      context.emit("stage-error", { stage: "fuse", error, recovered: false });
      throw error;
    }
  }

  async function run(query: string, runOptions: PipelineRunOptions = {}): Promise<PipelineResult> {
    const started = performance.now();
    const timings: Record<string, number> = {};
    const warnings: string[] = [];
    const stages: StageRecord = { retrievers: [] };
    let finished = false;
    const reportListenerError: ListenerErrorSink = (event, error) => {
      const message = `a "${event}" event listener threw and was skipped (the run went on): ${error instanceof Error ? error.message : String(error)}`;
      if (finished) process.emitWarning(message, "HybridRagListenerWarning");
      else warnings.push(message);
    };
    // HybridRagEvents lists arguments as tuples; the emitter's generic signature cannot relate them.
    const emitReporting = events.emitReporting.bind(events) as (
      event: string,
      sink: ListenerErrorSink,
      ...args: unknown[]
    ) => void;
    const emit: StageContext["emit"] = (event, ...args) =>
      emitReporting(event, reportListenerError, ...args);
    const reports: RerankReport[] = [];
    const hits = await withDeadline(
      (signal) =>
        runStages(
          { query, filter: runOptions.filter, signal, emit, timings, warnings, stages },
          reports,
        ),
      { signal: runOptions.signal, timeoutMs: timeouts.total, what: "pipeline run" },
    ).finally(() => {
      finished = true;
    });
    timings.total = performance.now() - started;
    const rerank = reports[0] ? { rerank: reports[0] } : {};
    return runOptions.includeStages
      ? { hits, timings, warnings, stages, ...rerank }
      : { hits, timings, warnings, ...rerank };
  }

  // The overloads only narrow the result type: `stages` is there exactly when asked for.
  return { events, run: run as Pipeline["run"] };
}

/**
 * Fuses one empty list per retriever once, at creation: a fusion whose options name a source
 * no retriever has (a misspelt weight) fails here rather than on the first query.
 */
function checkFusionFits(fusion: Fusion, retrievers: readonly Retriever[]): void {
  try {
    fusion.fuse(retrievers.map((retriever) => ({ source: retriever.name, hits: [] })));
  } catch (caught) {
    const error = toHybridRagError(caught, `fusion "${fusion.name}"`);
    throw new HybridRagError(
      "invalid-argument",
      `Invalid pipeline options: the fusion does not fit the retrievers: ${error.message}`,
      { cause: error },
    );
  }
}
