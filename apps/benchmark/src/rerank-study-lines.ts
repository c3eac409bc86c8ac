import type { BenchmarkReport } from "./results.ts";

const ms = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

/** The rerank-depth table and the latency-budget summary, as Markdown lines. */
export function rerankStudyLines(report: BenchmarkReport): string[] {
  const lines: string[] = [];
  const depths = report.rerankDepths;
  if (depths && "skipped" in depths) lines.push("", `Rerank depths skipped: ${depths.skipped}`);
  else if (depths) {
    lines.push(
      "",
      `Rerank depth trade-off on ${depths.base} (reranker ${String(depths.reranker.model ?? depths.reranker.endpoint ?? "?")}, ${String(depths.reranker.executionProvider ?? "")}; latency after ${depths.warmUpQueries} warm-up queries):`,
    );
    if (depths.testModel) {
      lines.push("", "**Test model (random weights): latency is real, quality is meaningless.**");
    }
    lines.push(
      "",
      "| depth | recall@5 | nDCG@10 | recall@100 | rerank p50 (ms/query) | p95 (ms/query) | p50 (ms/passage) | p95 (ms/passage) |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const row of depths.rows) {
      lines.push(
        `| ${row.depth} | ${(row.metrics["recall@5"] ?? Number.NaN).toFixed(4)} | ${(row.metrics["ndcg@10"] ?? Number.NaN).toFixed(4)} | ${(row.metrics["recall@100"] ?? Number.NaN).toFixed(4)} | ${row.perQuery ? ms(row.perQuery.p50Ms) : "–"} | ${row.perQuery ? ms(row.perQuery.p95Ms) : "–"} | ${row.perPassage ? row.perPassage.p50Ms.toFixed(3) : "–"} | ${row.perPassage ? row.perPassage.p95Ms.toFixed(3) : "–"} |`,
      );
    }
    const reference = depths.reference;
    lines.push(
      "",
      `Reference (chart mark): ${reference.label} (${(reference.latencyMs / reference.passages).toFixed(1)} ms/passage, recall@5 ${reference.recall5} on other datasets).`,
    );
  }
  const budget = report.rerankBudget;
  if (budget && "skipped" in budget) lines.push("", `Rerank budget skipped: ${budget.skipped}`);
  else if (budget) {
    lines.push(
      "",
      `Latency budget ${budget.latencyBudgetMs} ms (depth ${budget.minDepth}..${budget.maxDepth}): ${(budget.withinBudget * 100).toFixed(1)} % of ${budget.measuredQueries} queries within budget after ${budget.warmUpQueries} warm-up queries; rerank p50 ${ms(budget.rerankMs.p50)} ms, p95 ${ms(budget.rerankMs.p95)} ms, max ${ms(budget.rerankMs.max)} ms; depth p5/p50/p95 ${budget.depth.p5}/${budget.depth.p50}/${budget.depth.p95}; |prediction error| median ${ms(budget.predictionErrorMs.medianAbsolute)} ms, p95 ${ms(budget.predictionErrorMs.p95Absolute)} ms.`,
      `Score cache (${budget.cache.maxEntries} entries, ${budget.repeatedQueries} queries asked again): hit rate ${(budget.cache.hitRate * 100).toFixed(1)} % (${budget.cache.hits} hits, ${budget.cache.misses} misses, ${budget.cache.evictions} evictions).`,
    );
  }
  return lines;
}
