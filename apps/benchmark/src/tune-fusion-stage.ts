import type { RankedList } from "@hybrid-rag/core";
import { type FusionTuningResult, type Qrels, splitQrels, tuneFusion } from "@hybrid-rag/eval";
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
}

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
  };
}
