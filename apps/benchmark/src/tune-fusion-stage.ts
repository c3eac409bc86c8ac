import type { RankedList } from "@hybrid-rag/core";
import {
  compareEvaluations,
  evaluateRun,
  type FusionTuningResult,
  type Qrels,
  type Run,
  splitQrels,
  tuneFusion,
} from "@hybrid-rag/eval";
import { createFusion, type FusionConfig } from "@hybrid-rag/fusion";
import type { IndexedRetriever } from "./engines.ts";
import { baselineFusion, fusionGrid } from "./fusion-grid.ts";
import type { Progress } from "./progress.ts";

export interface FusionTuningReport {
  readonly metric: string;
  readonly split: {
    readonly fraction: number;
    readonly seed: number;
    readonly tuneQueries: number;
    readonly heldOutQueries: number;
  };
  readonly candidates: number;
  readonly baseline: { readonly config: FusionConfig; readonly score: number };
  readonly best: { readonly config: FusionConfig; readonly score: number };
  /** best − baseline on the tuning queries. */
  readonly gain: number;
  readonly heldOut: FusionTuningResult<FusionConfig>["heldOut"];
  readonly pValues: { readonly tTest: number; readonly randomization: number } | null;
  /** The ten best settings on the tuning queries. */
  readonly top: readonly { readonly config: FusionConfig; readonly score: number }[];
  /**
   * On the held-out queries, per metric: the tuned fusion against each retriever alone and
   * against the better of the two, with paired t-test and randomisation p-values.
   */
  readonly heldOutVersusSingle: readonly HeldOutComparison[];
}

export interface HeldOutComparison {
  readonly metric: string;
  readonly fused: number;
  readonly single: Readonly<Record<string, number>>;
  /** The retriever that is better alone on this metric. */
  readonly betterSingle: string;
  /** fused − better single. */
  readonly difference: number;
  readonly pValues: { readonly tTest: number; readonly randomization: number };
  /** difference ≥ −0.005: the fusion is no worse than the better retriever. */
  readonly noWorse: boolean;
}

/** Metrics the tuned fusion is compared on against each retriever alone (held-out queries). */
const comparedMetrics = ["recall@5", "ndcg@10"] as const;

/**
 * Retrieves every query once from both retrievers, then grid-searches fusion settings on half of
 * the queries and reports the winner's gain over RRF k = 60 on that half and on the other half.
 */
export async function tuneFusionStage(options: {
  readonly dense: IndexedRetriever;
  readonly sparse: IndexedRetriever;
  readonly queries: ReadonlyMap<string, string>;
  readonly qrels: Qrels;
  readonly topK: number;
  readonly metric: string;
  readonly progress: Progress;
}): Promise<FusionTuningReport> {
  const { dense, sparse, queries, topK } = options;
  const rankedLists = new Map<string, RankedList[]>();
  const bar = options.progress.start("fusion tuning: retrieve", queries.size, "queries");
  try {
    for (const [queryId, text] of queries) {
      const lists = await Promise.all(
        [dense, sparse].map(async (retriever) => ({
          source: retriever.name,
          hits: await retriever.retrieve(text, { topK }),
        })),
      );
      rankedLists.set(queryId, lists);
      bar.update(rankedLists.size);
    }
  } finally {
    bar.stop();
  }
  const fraction = 0.5;
  const seed = 42;
  const { tune, heldOut } = splitQrels(options.qrels, { fraction, seed });
  const candidates = fusionGrid(dense.name, sparse.name);
  const result = tuneFusion({
    rankedLists,
    qrels: tune,
    heldOutQrels: heldOut,
    candidates,
    createFusion,
    baseline: baselineFusion,
    metric: options.metric,
    topK,
  });
  const heldOutVersusSingle = compareWithSingles(
    rankedLists,
    createFusion(result.best.config),
    heldOut,
    topK,
  );
  return {
    metric: result.metric,
    split: { fraction, seed, tuneQueries: tune.size, heldOutQueries: heldOut.size },
    candidates: candidates.length,
    baseline: result.baseline,
    best: result.best,
    gain: result.gain,
    heldOut: result.heldOut,
    pValues: result.significance
      ? {
          tTest: result.significance.tTest.pValue,
          randomization: result.significance.randomization.pValue,
        }
      : null,
    top: result.trials.slice(0, 10),
    heldOutVersusSingle,
  };
}

function compareWithSingles(
  rankedLists: ReadonlyMap<string, RankedList[]>,
  fusion: ReturnType<typeof createFusion>,
  qrels: Qrels,
  topK: number,
): HeldOutComparison[] {
  const fusedRun: Run = new Map();
  const singleRuns = new Map<string, Run>();
  for (const [queryId, lists] of rankedLists) {
    if (!qrels.has(queryId)) continue;
    fusedRun.set(
      queryId,
      fusion.fuse(lists, { topK }).map((hit) => ({ docId: hit.id, score: hit.score })),
    );
    for (const list of lists) {
      const run = singleRuns.get(list.source) ?? new Map();
      run.set(
        queryId,
        list.hits.map((hit) => ({ docId: hit.id, score: hit.score })),
      );
      singleRuns.set(list.source, run);
    }
  }
  const fused = evaluateRun(fusedRun, qrels, comparedMetrics);
  const singles = [...singleRuns].map(
    ([source, run]) => [source, evaluateRun(run, qrels, comparedMetrics)] as const,
  );
  return comparedMetrics.map((metric) => {
    const [betterSingle, better] = singles.reduce((best, entry) =>
      (entry[1].mean[metric] ?? 0) > (best[1].mean[metric] ?? 0) ? entry : best,
    );
    const comparison = compareEvaluations(better, fused, metric);
    return {
      metric,
      fused: fused.mean[metric] ?? 0,
      single: Object.fromEntries(singles.map(([source, e]) => [source, e.mean[metric] ?? 0])),
      betterSingle,
      difference: comparison.difference,
      pValues: { tTest: comparison.tTest.pValue, randomization: comparison.randomization.pValue },
      noWorse: comparison.difference >= -0.005,
    };
  });
}
