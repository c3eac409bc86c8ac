import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { markdownTable } from "./markdown-table.ts";
import { rerankDepthChart } from "./rerank-depth-chart.ts";
import type { BenchmarkReport } from "./results.ts";
import { svgChart } from "./svg-chart.ts";

export interface WrittenReport {
  readonly markdown: string;
  readonly files: readonly string[];
}

/** Writes results.md, results.json and chart.svg into `directory` (each via a temporary file). */
export async function writeReport(
  report: BenchmarkReport,
  directory: string,
): Promise<WrittenReport> {
  await mkdir(directory, { recursive: true });
  const markdown = markdownTable(report);
  const outputs: Array<[string, string]> = [
    ["results.md", markdown],
    ["results.json", `${JSON.stringify(report, null, 2)}\n`],
    ["chart.svg", svgChart(report)],
  ];
  if (report.rerankDepths && !("skipped" in report.rerankDepths)) {
    outputs.push(["rerank-depths.svg", rerankDepthChart(report.rerankDepths)]);
  }
  const files: string[] = [];
  for (const [name, content] of outputs) {
    const path = join(directory, name);
    await writeFile(`${path}.tmp`, content);
    await rename(`${path}.tmp`, path);
    files.push(path);
  }
  return { markdown, files };
}
