import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import {
  type BeirDataset,
  compareEvaluations,
  evaluateRun,
  loadBeirDataset,
  type Qrels,
  type RunEvaluation,
  writeTrecRun,
} from "@hybrid-rag/eval";
import type { BenchmarkSpec } from "./benchmark-spec.ts";
import type { BenchmarkEngines, Built, IndexedRetriever } from "./engines.ts";
import { indexCorpus } from "./index-corpus.ts";
import type { PipelineSpec } from "./pipelines.ts";
import type { Progress } from "./progress.ts";
import { type Available, runRerankStudies } from "./rerank-studies.ts";
import {
  type BenchmarkReport,
  type ComponentReport,
  type ConfigurationResult,
  headlineMetrics,
  reportedMetrics,
  type StageLatency,
} from "./results.ts";
import { runConfiguration } from "./run-configuration.ts";
import { median, quantile } from "./statistics.ts";
import { type FusionTuningReport, tuneFusionStage } from "./tune-fusion-stage.ts";
import { toolVersions } from "./versions.ts";
import { countImagesScored, type ImagesScored } from "./visual/count-images-scored.ts";
import { RenderedPageImages } from "./visual/rendered-page-images.ts";

export interface BenchmarkOptions {
  readonly datasetDirectory: string;
  readonly split: string;
  readonly pipelines: readonly PipelineSpec[];
  readonly topK: number;
  readonly rerankTop: number;
  /** Only the first n queries (quick runs); all by default. */
  readonly maxQueries?: number;
  readonly outDirectory: string;
  readonly engines: BenchmarkEngines;
  readonly progress: Progress;
  /** Every setting that decides the results, recorded in the JSON (`--spec` reads it back). */
  readonly spec: BenchmarkSpec;
  readonly commandLine?: readonly string[];
  /** Grid-search the fusion of dense and sparse on half the queries (metric to maximise). */
  readonly tuneFusion?: { readonly metric: string };
  /** Rerank the fused top N at each of these depths (0 = no reranking). */
  readonly rerankDepths?: readonly number[];
  /** Run a pipeline with this rerank latency budget and a score cache. */
  readonly rerankBudgetMs?: number;
}

type Component<T> =
  | { built: Built<T>; report: ComponentReport }
  | { reason: string; report: ComponentReport };

/**
 * Loads the collection, builds and fills each engine the configurations need (once each), runs
 * every configuration over the queries, evaluates the runs and writes one TREC run per
 * configuration. A configuration whose engine could not be built is reported as skipped.
 */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkReport> {
  const startedAt = new Date().toISOString();
  const dataset = await loadBeirDataset(options.datasetDirectory, { split: options.split });
  const { queries, qrels } = selectQueries(dataset, options.maxQueries);
  requireJudgedQueries(qrels, options);
  const { engines, progress, pipelines } = options;
  const studiesNeedRerank =
    options.rerankDepths !== undefined || options.rerankBudgetMs !== undefined;
  const needs = (part: "dense" | "sparse" | "rerank") =>
    pipelines.some((spec) => spec[part]) || (part === "rerank" && studiesNeedRerank);
  const sparse = needs("sparse")
    ? await buildIndex(() => engines.createSparse(), dataset, "sparse", progress)
    : undefined;
  const dense = needs("dense")
    ? await buildIndex(() => engines.createDense(), dataset, "dense", progress)
    : undefined;
  const reranker = needs("rerank") ? await build(() => engines.createReranker()) : undefined;
  const pageImages = pipelines.some((spec) => spec.images)
    ? await renderPageImages(options.datasetDirectory, dataset, progress)
    : undefined;
  await mkdir(join(options.outDirectory, "runs"), { recursive: true });
  const configurations: ConfigurationResult[] = [];
  let reference: { name: string; evaluation: RunEvaluation } | undefined;
  for (const spec of pipelines) {
    const missing = [
      spec.dense ? reasonOf(dense, "dense retriever") : undefined,
      spec.sparse ? reasonOf(sparse, "sparse retriever") : undefined,
      spec.rerank ? reasonOf(reranker, "reranker") : undefined,
      spec.images && pageImages && "reason" in pageImages
        ? `page images unavailable: ${pageImages.reason}`
        : undefined,
    ].filter((reason): reason is string => reason !== undefined);
    if (missing.length > 0) {
      configurations.push({
        name: spec.name,
        label: spec.label,
        status: "skipped",
        reason: missing.join("; "),
      });
      continue;
    }
    try {
      const retrievers = [
        spec.dense ? builtValue(dense) : undefined,
        spec.sparse ? builtValue(sparse) : undefined,
      ].filter((retriever): retriever is IndexedRetriever => retriever !== undefined);
      const scored: ImagesScored = { images: 0, candidates: 0 };
      const rerankerValue = spec.rerank ? builtValue(reranker) : undefined;
      const pipeline = engines.createPipeline({
        retrievers,
        ...(rerankerValue
          ? { reranker: spec.images ? countImagesScored(rerankerValue, scored) : rerankerValue }
          : {}),
        ...(spec.images && pageImages instanceof RenderedPageImages ? { pageImages } : {}),
        topK: options.topK,
        rerankTop: options.rerankTop,
      });
      const result = await runConfiguration(pipeline.value, queries, spec.label, progress);
      const evaluation = evaluateRun(result.run, qrels, reportedMetrics);
      const runFile = join("runs", `${spec.name}.trec`);
      await writeTrecRun(join(options.outDirectory, runFile), result.run, {
        tag: spec.name.replaceAll("+", "_"),
      });
      const comparedTo = reference && {
        name: reference.name,
        tests: headlineMetrics.map((metric) =>
          compareEvaluations(reference!.evaluation, evaluation, metric),
        ),
      };
      reference ??= { name: spec.name, evaluation };
      configurations.push({
        name: spec.name,
        label: spec.label,
        status: "ok",
        queryCount: evaluation.queryCount,
        metrics: evaluation.mean,
        latency: summarizeLatency(result.timings),
        runFile,
        configuration: pipeline.configuration,
        ...(comparedTo ? { comparedTo } : {}),
        warnings: result.warnings,
        ...(spec.images ? { pageImages: { ...scored } } : {}),
      });
    } catch (error) {
      const failure = toHybridRagError(error, spec.label);
      configurations.push({
        name: spec.name,
        label: spec.label,
        status: "failed",
        reason: failure.message,
      });
    }
  }
  const fusionTuning = options.tuneFusion
    ? await tuneIfPossible(options.tuneFusion.metric, {
        dense,
        sparse,
        queries,
        qrels,
        topK: options.topK,
        progress,
      })
    : undefined;
  const studies = studiesNeedRerank
    ? await runRerankStudies({
        engines,
        dense: available(dense),
        sparse: available(sparse),
        reranker: available(reranker),
        rerankerConfiguration: reranker && "built" in reranker ? reranker.built.configuration : {},
        ...(options.rerankDepths ? { depths: options.rerankDepths } : {}),
        ...(options.rerankBudgetMs !== undefined ? { budgetMs: options.rerankBudgetMs } : {}),
        queries,
        qrels,
        topK: options.topK,
        progress,
      })
    : {};
  for (const component of [sparse, dense, reranker]) {
    if (component && "built" in component) await component.built.close?.();
  }
  const components: Record<string, ComponentReport> = {};
  if (sparse) components.sparse = sparse.report;
  if (dense) components.dense = dense.report;
  if (reranker) components.reranker = reranker.report;
  return {
    tool: { name: "@hybrid-rag/benchmark", versions: await toolVersions() },
    startedAt,
    commandLine: options.commandLine ?? [],
    dataset: {
      directory: options.datasetDirectory,
      split: options.split,
      documents: dataset.documentCount,
      queries: queries.size,
      judgements: [...qrels.values()].reduce((sum, grades) => sum + grades.size, 0),
      warnings: dataset.warnings,
    },
    spec: options.spec,
    backend: engines.backend,
    metrics: reportedMetrics,
    components,
    configurations,
    ...(fusionTuning ? { fusionTuning } : {}),
    ...studies,
  };
}

/** The page images of the corpus documents that name a PDF (`metadata.pdf`), rendered once. */
async function renderPageImages(
  datasetDirectory: string,
  dataset: BeirDataset,
  progress: Progress,
): Promise<RenderedPageImages | { readonly reason: string }> {
  const bar = progress.start("render page images", dataset.documentCount, "docs");
  try {
    const rendered = await RenderedPageImages.render(datasetDirectory, dataset.documents());
    if (rendered.count > 0) return rendered;
    return {
      reason: `no corpus document of ${datasetDirectory} names a PDF in metadata.pdf, so there are no page images to rerank (--dataset visual has them)`,
    };
  } catch (error) {
    return { reason: toHybridRagError(error, "Rendering the page images").message };
  } finally {
    bar.stop();
  }
}

function available<T>(component: Component<T> | undefined): Available<T> {
  if (!component) return undefined;
  return "built" in component ? { value: component.built.value } : { reason: component.reason };
}

async function tuneIfPossible(
  metric: string,
  parts: {
    dense: Component<IndexedRetriever> | undefined;
    sparse: Component<IndexedRetriever> | undefined;
    queries: ReadonlyMap<string, string>;
    qrels: Qrels;
    topK: number;
    progress: Progress;
  },
): Promise<FusionTuningReport | { readonly skipped: string }> {
  const dense = builtValue(parts.dense);
  const sparse = builtValue(parts.sparse);
  if (!dense || !sparse) {
    const reasons = [
      reasonOf(parts.dense, "dense retriever"),
      reasonOf(parts.sparse, "sparse retriever"),
    ];
    const known = reasons.filter((reason) => reason !== undefined);
    return {
      skipped:
        known.length > 0
          ? known.join("; ")
          : "fusion tuning needs a pipeline with both dense and sparse in --pipelines",
    };
  }
  try {
    return await tuneFusionStage({ ...parts, dense, sparse, metric });
  } catch (error) {
    return { skipped: toHybridRagError(error, "Fusion tuning").message };
  }
}

/**
 * Refuses to benchmark when no query has a relevant judgement: every metric would be 0 and the
 * table would look like a result.
 */
function requireJudgedQueries(qrels: Qrels, options: BenchmarkOptions): void {
  const judged = [...qrels.values()].filter((grades) =>
    [...grades.values()].some((grade) => grade > 0),
  ).length;
  if (judged > 0) return;
  throw new HybridRagError(
    "invalid-argument",
    `No judged queries: split "${options.split}" of ${options.datasetDirectory} has no query with a relevant document (qrels/${options.split}.tsv is empty or grades everything 0${options.maxQueries === undefined ? "" : `, among the first ${options.maxQueries} queries`}), so every metric would be 0. Choose another --split or fix the qrels.`,
    { details: { split: options.split } },
  );
}

function selectQueries(
  dataset: BeirDataset,
  maxQueries: number | undefined,
): { queries: ReadonlyMap<string, string>; qrels: Qrels } {
  if (maxQueries === undefined || maxQueries >= dataset.queries.size) {
    return { queries: dataset.queries, qrels: dataset.qrels };
  }
  const queries = new Map([...dataset.queries].slice(0, maxQueries));
  const qrels: Qrels = new Map([...dataset.qrels].filter(([queryId]) => queries.has(queryId)));
  return { queries, qrels };
}

async function build<T>(create: () => Promise<Built<T>>): Promise<Component<T>> {
  try {
    const built = await create();
    return { built, report: { status: "ok", configuration: built.configuration } };
  } catch (error) {
    const reason = toHybridRagError(error).message;
    return { reason, report: { status: "unavailable", reason } };
  }
}

async function buildIndex(
  create: () => Promise<Built<IndexedRetriever>>,
  dataset: BeirDataset,
  label: string,
  progress: Progress,
): Promise<Component<IndexedRetriever>> {
  const component = await build(create);
  if (!("built" in component)) return component;
  try {
    const indexing = await indexCorpus(component.built.value, dataset, label, progress);
    const configuration = component.built.configuration;
    return { built: component.built, report: { status: "ok", configuration, indexing } };
  } catch (error) {
    await component.built.close?.();
    const reason = toHybridRagError(error, `Indexing the ${label} engine`).message;
    return { reason, report: { status: "unavailable", reason } };
  }
}

function reasonOf<T>(component: Component<T> | undefined, what: string): string | undefined {
  if (!component || "built" in component) return undefined;
  return `${what} unavailable: ${component.reason}`;
}

function builtValue<T>(component: Component<T> | undefined): T | undefined {
  return component && "built" in component ? component.built.value : undefined;
}

function summarizeLatency(timings: ReadonlyMap<string, number[]>): Record<string, StageLatency> {
  const summary: Record<string, StageLatency> = {};
  for (const [stage, values] of timings) {
    summary[stage] = {
      medianMs: median(values),
      p95Ms: quantile(values, 0.95),
      meanMs: values.reduce((sum, value) => sum + value, 0) / values.length,
    };
  }
  return summary;
}
