import { type Fusion, HybridRagError, type RankedList } from "@hybrid-rag/core";
import { compareEvaluations, type RunComparison } from "./compare-evaluations.ts";
import { evaluateRun, type RunEvaluation } from "./evaluate-run.ts";
import type { Qrels, Run } from "./types.ts";

export interface FusionTuningOptions<Config> {
  /** Per query id, each retriever's ranked list (retrieve once, fuse many times). */
  readonly rankedLists: ReadonlyMap<string, readonly RankedList[]>;
  /** The judgements to tune against (a tuning split, not the split you report on). */
  readonly qrels: Qrels;
  /** The settings to try, e.g. from `fusionGrid()`. */
  readonly candidates: readonly Config[];
  /** Builds a fusion from one setting (e.g. `createFusion` of `@hybrid-rag/fusion`). */
  readonly createFusion: (config: Config) => Fusion;
  /** The setting the gain is measured against (default: the first candidate). */
  readonly baseline?: Config;
  /** The metric to maximise (default "ndcg@10"). */
  readonly metric?: string;
  /** How many fused hits to keep per query (default 100). */
  readonly topK?: number;
  /** Judgements held out from tuning: when given, the best setting is also scored on them. */
  readonly heldOutQrels?: Qrels;
}

export interface FusionTrial<Config> {
  readonly config: Config;
  readonly score: number;
}

export interface FusionTuningResult<Config> {
  readonly metric: string;
  /** Every candidate with its score on `qrels`, best first (ties keep the candidates' order). */
  readonly trials: readonly FusionTrial<Config>[];
  readonly best: FusionTrial<Config>;
  readonly baseline: FusionTrial<Config>;
  /** best − baseline on the tuning qrels. */
  readonly gain: number;
  /** Best vs baseline, paired tests on the tuning qrels. */
  readonly significance: RunComparison | undefined;
  /** Best and baseline on the held-out qrels, when given. */
  readonly heldOut?: { readonly best: number; readonly baseline: number; readonly gain: number };
}

/**
 * Grid search over fusion settings: fuses the stored ranked lists with each candidate, evaluates
 * the fused run (trec_eval-exact) and reports the best setting and its gain over the baseline.
 */
export function tuneFusion<Config>(
  options: FusionTuningOptions<Config>,
): FusionTuningResult<Config> {
  const metric = options.metric ?? "ndcg@10";
  const topK = options.topK ?? 100;
  if (options.candidates.length === 0) {
    throw new HybridRagError(
      "invalid-argument",
      "tuneFusion needs at least one candidate setting.",
    );
  }
  const baselineConfig = options.baseline ?? (options.candidates[0] as Config);
  const evaluate = (config: Config, qrels: Qrels): RunEvaluation =>
    evaluateRun(fuseAll(options.rankedLists, options.createFusion(config), topK), qrels, [metric]);
  const evaluations = options.candidates.map((config) => ({
    config,
    evaluation: evaluate(config, options.qrels),
  }));
  const trials = evaluations
    .map(({ config, evaluation }) => ({ config, score: evaluation.mean[metric] ?? 0 }))
    .sort((left, right) => right.score - left.score);
  const best = trials[0] as FusionTrial<Config>;
  const baselineEvaluation =
    evaluations.find(({ config }) => config === baselineConfig)?.evaluation ??
    evaluate(baselineConfig, options.qrels);
  const bestEvaluation = evaluations.find(({ config }) => config === best.config)?.evaluation;
  const baselineScore = baselineEvaluation.mean[metric] ?? 0;
  const significance =
    bestEvaluation && bestEvaluation.queryCount >= 2
      ? compareEvaluations(baselineEvaluation, bestEvaluation, metric)
      : undefined;
  const result: FusionTuningResult<Config> = {
    metric,
    trials,
    best,
    baseline: { config: baselineConfig, score: baselineScore },
    gain: best.score - baselineScore,
    significance,
  };
  if (!options.heldOutQrels) return result;
  const heldOutBest = evaluate(best.config, options.heldOutQrels).mean[metric] ?? 0;
  const heldOutBaseline = evaluate(baselineConfig, options.heldOutQrels).mean[metric] ?? 0;
  return {
    ...result,
    heldOut: { best: heldOutBest, baseline: heldOutBaseline, gain: heldOutBest - heldOutBaseline },
  };
}

function fuseAll(
  rankedLists: ReadonlyMap<string, readonly RankedList[]>,
  fusion: Fusion,
  topK: number,
): Run {
  const run: Run = new Map();
  for (const [queryId, lists] of rankedLists) {
    const hits = fusion.fuse(lists, { topK });
    run.set(
      queryId,
      hits.map((hit) => ({ docId: hit.id, score: hit.score })),
    );
  }
  return run;
}
