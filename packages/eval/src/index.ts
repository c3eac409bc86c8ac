export { type BeirDataset, type LoadBeirOptions, loadBeirDataset } from "./beir-dataset.ts";
export { type EvaluateOptions, evaluateRun, type RunEvaluation } from "./evaluate-run.ts";
export { type MetricKind, type MetricSpec, metricKinds, parseMetric } from "./metric-name.ts";
export { readQrels, writeQrels } from "./qrels-io.ts";
export { compareCodePoints, rankLikeTrecEval } from "./trec-order.ts";
export { readTrecRun, type WriteTrecRunOptions, writeTrecRun } from "./trec-run-io.ts";
export type { Qrels, Run, RunEntry } from "./types.ts";
