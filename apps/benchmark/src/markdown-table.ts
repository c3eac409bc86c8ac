import { rerankStudyLines } from "./rerank-study-lines.ts";
import type { BenchmarkReport, ConfigurationResult } from "./results.ts";

const metricColumns = [
  ["recall@5", "recall@5"],
  ["ndcg@10", "nDCG@10"],
  ["recall@100", "recall@100"],
] as const;

const stageColumns = ["retrieve", "fuse", "rerank", "total"] as const;

/** The seed's table: configuration × recall@5, nDCG@10, recall@100, plus median latency per stage. */
export function markdownTable(report: BenchmarkReport): string {
  const ran = report.configurations.filter((result) => result.status === "ok");
  const stages = stageColumns.filter((stage) =>
    ran.some((result) => result.latency[stage] !== undefined),
  );
  const header = [
    "Configuration",
    ...metricColumns.map(([, title]) => title),
    ...stages.map((stage) => `${stage} p50 (ms)`),
  ];
  const lines = [
    `Dataset: ${report.dataset.directory} (split ${report.dataset.split}: ${report.dataset.queries} queries, ${report.dataset.documents} documents), top_k ${String(report.spec.topK?.retrieve)}, backend ${report.backend}`,
    "",
    row(header),
    row(header.map((_, index) => (index === 0 ? "---" : "---:"))),
    ...report.configurations.map((result) => row(cells(result, stages))),
  ];
  lines.push(...modelLines(report), ...pageImageLines(report));
  const notRun = report.configurations.filter((result) => result.status !== "ok");
  if (notRun.length > 0) {
    lines.push("");
    for (const result of notRun) lines.push(`- ${result.label} ${result.status}: ${result.reason}`);
    if (
      notRun.some((result) =>
        /dense retriever unavailable: .*(Hub|HF_HUB_OFFLINE)/.test(result.reason),
      )
    ) {
      lines.push(offlineDenseHint);
    }
  }
  if (report.fusionTuning) lines.push("", ...tuningLines(report.fusionTuning));
  lines.push(...rerankStudyLines(report));
  lines.push(...datasetWarningLines(report.dataset.warnings));
  return `${lines.join("\n")}\n`;
}

/** Dataset warnings are shown where people look (the table on stdout and results.md), not only in the JSON. */
const warningsShown = 20;

function datasetWarningLines(warnings: readonly string[]): string[] {
  if (warnings.length === 0) return [];
  const shown = warnings.slice(0, warningsShown).map((warning) => `- ${warning}`);
  const more = warnings.length - shown.length;
  return [
    "",
    `Dataset warnings (${warnings.length}):`,
    "",
    ...shown,
    ...(more > 0 ? [`- … and ${more} more (all of them in results.json)`] : []),
  ];
}

function tuningLines(tuning: NonNullable<BenchmarkReport["fusionTuning"]>): string[] {
  if ("skipped" in tuning) return [`Fusion tuning skipped: ${tuning.skipped}`];
  const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(4)}`;
  const lines = [
    `Fusion tuning (${tuning.metric}, ${tuning.candidates} settings, ${tuning.split.tuneQueries} tuning queries): best ${JSON.stringify(tuning.best.config)} ${tuning.best.score.toFixed(4)} vs ${JSON.stringify(tuning.baseline.config)} ${tuning.baseline.score.toFixed(4)} (${signed(tuning.gain)}${tuning.pValues ? `, paired t-test p = ${tuning.pValues.tTest.toPrecision(2)}, randomisation p = ${tuning.pValues.randomization.toPrecision(2)}` : ""}).`,
  ];
  if (tuning.heldOut) {
    lines.push(
      `On the ${tuning.split.heldOutQueries} held-out queries: ${tuning.heldOut.best.toFixed(4)} vs ${tuning.heldOut.baseline.toFixed(4)} (${signed(tuning.heldOut.gain)}).`,
    );
  }
  for (const entry of tuning.heldOutVersusSingle ?? []) {
    const singles = Object.entries(entry.single)
      .map(([source, value]) => `${source} ${value.toFixed(4)}`)
      .join(", ");
    lines.push(
      `Held-out ${entry.metric}: tuned fusion ${entry.fused.toFixed(4)} vs ${singles}; against the better (${entry.betterSingle}) ${signed(entry.difference)}, paired t-test p = ${entry.pValues.tTest.toPrecision(2)}, randomisation p = ${entry.pValues.randomization.toPrecision(2)} (${entry.noWorse ? "no worse, within 0.005" : "worse by more than 0.005"}).`,
    );
  }
  return lines;
}

function cells(result: ConfigurationResult, stages: readonly string[]): string[] {
  if (result.status !== "ok") {
    return [result.label, ...metricColumns.map(() => result.status), ...stages.map(() => "–")];
  }
  return [
    result.label,
    ...metricColumns.map(([metric]) => (result.metrics[metric] ?? Number.NaN).toFixed(4)),
    ...stages.map((stage) => {
      const latency = result.latency[stage];
      return latency ? formatMilliseconds(latency.medianMs) : "–";
    }),
  ];
}

function formatMilliseconds(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function row(values: readonly string[]): string {
  return `| ${values.map((value) => value.replaceAll("|", "\\|")).join(" | ")} |`;
}

/** The models the rows ran on, named under the table (the JSON has every detail). */
function modelLines(report: BenchmarkReport): string[] {
  const named = (["dense", "reranker"] as const).flatMap((part) => {
    const component = report.components[part];
    if (component?.status !== "ok") return [];
    const { model, endpoint, testModel } = component.configuration;
    const name =
      typeof model === "string" ? model : typeof endpoint === "string" ? endpoint : undefined;
    if (name === undefined) return [];
    const test = testModel === true ? " (random test weights: quality is meaningless)" : "";
    return [`- ${part === "dense" ? "Dense model" : "Reranker model"}: ${name}${test}`];
  });
  return named.length > 0 ? ["", ...named] : [];
}

/** For rows that rerank page images: how many of the reranker's candidates were page images. */
function pageImageLines(report: BenchmarkReport): string[] {
  return report.configurations.flatMap((result) =>
    result.status === "ok" && result.pageImages
      ? [
          `- ${result.label}: ${result.pageImages.images} of the ${result.pageImages.candidates} candidates the reranker scored were page images.`,
        ]
      : [],
  );
}

/** Printed when the Hub cannot be reached for the dense model: the offline route that works. */
export const offlineDenseHint =
  "- No Hub here? `--embedding-model use-lite` runs Universal Sentence Encoder Lite, shipped in npm (@hybrid-rag/embeddings-use), offline — a baseline, weaker than bge-small.";
