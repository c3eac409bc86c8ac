import { performance } from "node:perf_hooks";
import type { Hit, Reranker } from "@hybrid-rag/core";
import { evaluateRun, type Qrels, type Run } from "@hybrid-rag/eval";
import type { RunnablePipeline } from "./engines.ts";
import type { Progress } from "./progress.ts";
import { headlineMetrics } from "./results.ts";
import { quantile } from "./statistics.ts";

/** The seed's figure, drawn on the chart for scale (a 1B-class NIM reranker, not this model). */
export const seedReference = {
  label: "seed: NIM reranker, 500 passages ≈ 1,750 ms on an H100",
  hardware: "NVIDIA H100",
  passages: 500,
  latencyMs: 1750,
  /** Dense + Sparse + Reranking, average recall@5 over FiQA, HotpotQA, NQ, TechQA (other datasets). */
  recall5: 0.7137,
} as const;

export interface LatencySummary {
  readonly p50Ms: number;
  readonly p95Ms: number;
}

export interface RerankDepthRow {
  readonly depth: number;
  readonly metrics: Readonly<Record<string, number>>;
  /** Reranker call per query and per passage; null for depth 0 (no reranking). */
  readonly perQuery: LatencySummary | null;
  readonly perPassage: LatencySummary | null;
}

export interface RerankDepthReport {
  /** What was reranked: the fused (or single-retriever) list of this configuration. */
  readonly base: string;
  readonly reranker: Readonly<Record<string, unknown>>;
  /** True for a random-weight test model: latency is real, quality is meaningless. */
  readonly testModel: boolean;
  readonly warmUpQueries: number;
  readonly rows: readonly RerankDepthRow[];
  readonly reference: typeof seedReference;
}

/**
 * Retrieves (and fuses) every query once, then reranks the top N at each depth N and scores the
 * list "reranked top N, then the rest in fused order", cut at top-k. Rerank latency is the
 * reranker call alone, after a few untimed warm-up calls.
 */
export async function rerankDepthStage(options: {
  readonly base: RunnablePipeline;
  readonly baseName: string;
  readonly reranker: Reranker;
  readonly rerankerConfiguration: Readonly<Record<string, unknown>>;
  readonly depths: readonly number[];
  readonly queries: ReadonlyMap<string, string>;
  readonly qrels: Qrels;
  readonly topK: number;
  readonly progress: Progress;
}): Promise<RerankDepthReport> {
  const { base, reranker, queries, topK, progress } = options;
  const fused = new Map<string, readonly Hit[]>();
  const retrieveBar = progress.start(
    `rerank depths: retrieve ${options.baseName}`,
    queries.size,
    "queries",
  );
  try {
    for (const [queryId, text] of queries) {
      fused.set(queryId, (await base.run(text)).hits);
      retrieveBar.update(fused.size);
    }
  } finally {
    retrieveBar.stop();
  }
  const deepest = Math.max(...options.depths);
  const warmUp = [...queries].slice(0, Math.min(3, queries.size));
  for (const [queryId, text] of warmUp) {
    const candidates = fused.get(queryId)!.slice(0, deepest);
    if (deepest > 0 && candidates.length > 0) await reranker.rerank(text, candidates);
  }
  const rows: RerankDepthRow[] = [];
  for (const depth of [...options.depths].sort((a, b) => a - b)) {
    const run: Run = new Map();
    const perQuery: number[] = [];
    const perPassage: number[] = [];
    const bar = progress.start(`rerank depth ${depth}`, queries.size, "queries");
    try {
      for (const [queryId, text] of queries) {
        const list = fused.get(queryId)!;
        const head = list.slice(0, depth);
        let reranked: readonly Hit[] = head;
        if (depth > 0 && head.length > 0) {
          const started = performance.now();
          reranked = await reranker.rerank(text, head);
          const ms = performance.now() - started;
          perQuery.push(ms);
          perPassage.push(ms / head.length);
        }
        const ordered = [...reranked, ...list.slice(depth)].slice(0, topK);
        // Rank-based scores: reranker logits and fused scores are not on one scale.
        run.set(
          queryId,
          ordered.map((hit, index) => ({ docId: hit.id, score: ordered.length - index })),
        );
        bar.update(run.size);
      }
    } finally {
      bar.stop();
    }
    const evaluation = evaluateRun(run, options.qrels, headlineMetrics);
    rows.push({
      depth,
      metrics: evaluation.mean,
      perQuery: depth > 0 ? summarize(perQuery) : null,
      perPassage: depth > 0 ? summarize(perPassage) : null,
    });
  }
  return {
    base: options.baseName,
    reranker: options.rerankerConfiguration,
    testModel: options.rerankerConfiguration.testModel === true,
    warmUpQueries: warmUp.length,
    rows,
    reference: seedReference,
  };
}

function summarize(values: readonly number[]): LatencySummary {
  return { p50Ms: quantile(values, 0.5), p95Ms: quantile(values, 0.95) };
}
