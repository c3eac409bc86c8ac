export { type BeirDataset, type LoadBeirOptions, loadBeirDataset } from "./beir-dataset.ts";
export { compareEvaluations, type RunComparison } from "./compare-evaluations.ts";
export { type EvaluateOptions, evaluateRun, type RunEvaluation } from "./evaluate-run.ts";
export { type BeirInMemory, loadBeirInMemory } from "./load-beir-in-memory.ts";
export { type MetricKind, type MetricSpec, metricKinds, parseMetric } from "./metric-name.ts";
export { type PairedTestResult, type PairedTTestResult, pairedTTest } from "./paired-t-test.ts";
export { readQrels, writeQrels } from "./qrels-io.ts";
export {
  type RandomizationTestOptions,
  type RandomizationTestResult,
  randomizationTest,
} from "./randomization-test.ts";
export { splitQrels } from "./split-qrels.ts";
export { rankLikeTrecEval } from "./trec-order.ts";
export { readTrecRun, type WriteTrecRunOptions, writeTrecRun } from "./trec-run-io.ts";
export {
  type FusionTrial,
  type FusionTuningOptions,
  type FusionTuningResult,
  tuneFusion,
} from "./tune-fusion.ts";
export type { Qrels, Run, RunEntry } from "./types.ts";
