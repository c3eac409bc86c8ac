import type { Reranker } from "@hybrid-rag/core";
import type { Qrels } from "@hybrid-rag/eval";
import type { BenchmarkEngines, IndexedRetriever } from "./engines.ts";
import type { Progress } from "./progress.ts";
import { type RerankBudgetReport, rerankBudgetStage } from "./rerank-budget-stage.ts";
import { type RerankDepthReport, rerankDepthStage } from "./rerank-depth-stage.ts";

export interface RerankStudies {
  readonly rerankDepths?: RerankDepthReport | { readonly skipped: string };
  readonly rerankBudget?: RerankBudgetReport | { readonly skipped: string };
}

/** A component the benchmark built, or why it could not. */
export type Available<T> = { readonly value: T } | { readonly reason: string } | undefined;

/**
 * The rerank-depth sweep (`--rerank-depths`) and the latency-budget run (`--rerank-budget-ms`),
 * both on the fused dense + sparse list when both retrievers exist, else on the one there is.
 */
export async function runRerankStudies(options: {
  readonly engines: BenchmarkEngines;
  readonly dense: Available<IndexedRetriever>;
  readonly sparse: Available<IndexedRetriever>;
  readonly reranker: Available<Reranker>;
  readonly rerankerConfiguration: Readonly<Record<string, unknown>>;
  readonly depths?: readonly number[];
  readonly budgetMs?: number;
  readonly queries: ReadonlyMap<string, string>;
  readonly qrels: Qrels;
  readonly topK: number;
  readonly progress: Progress;
}): Promise<RerankStudies> {
  const retrievers = [options.dense, options.sparse]
    .filter((part) => part !== undefined && "value" in part)
    .map((part) => (part as { value: IndexedRetriever }).value);
  const unavailable =
    options.reranker === undefined
      ? "no reranker: add a +rerank configuration to --pipelines"
      : "reason" in options.reranker
        ? `reranker unavailable: ${options.reranker.reason}`
        : retrievers.length === 0
          ? "no retriever could be built"
          : undefined;
  const skipped = unavailable === undefined ? undefined : { skipped: unavailable };
  const reranker =
    options.reranker && "value" in options.reranker ? options.reranker.value : undefined;
  const baseName = retrievers.map((retriever) => retriever.name).join("+");
  const deepest = Math.max(options.topK, ...(options.depths ?? []));
  const base = (depth: number) =>
    options.engines.createPipeline({ retrievers, topK: depth, rerankTop: depth }).value;
  const studies: { -readonly [K in keyof RerankStudies]: RerankStudies[K] } = {};
  if (options.depths) {
    studies.rerankDepths =
      skipped ??
      (await rerankDepthStage({
        base: base(deepest),
        baseName,
        reranker: reranker!,
        rerankerConfiguration: options.rerankerConfiguration,
        depths: options.depths,
        queries: options.queries,
        qrels: options.qrels,
        topK: options.topK,
        progress: options.progress,
      }));
  }
  if (options.budgetMs !== undefined) {
    const maxDepth = Math.max(...(options.depths ?? [options.topK]), 10);
    const encoder = (reranker as { crossEncoder?: { countTokens(q: string, p: string): number } })
      ?.crossEncoder;
    studies.rerankBudget =
      skipped ??
      (await rerankBudgetStage({
        base: base(maxDepth),
        baseName,
        reranker: reranker!,
        ...(encoder
          ? { countTokens: (query, passage) => encoder.countTokens(query, passage) }
          : {}),
        costKey: `${String(options.rerankerConfiguration.model ?? reranker!.name)}/${String(options.rerankerConfiguration.executionProvider ?? "")}`,
        latencyBudgetMs: options.budgetMs,
        maxDepth,
        minDepth: 10,
        queries: options.queries,
        progress: options.progress,
      }));
  }
  return studies;
}
