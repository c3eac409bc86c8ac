import type { RunComparison } from "@hybrid-rag/eval";
import type { BenchmarkSpec } from "./benchmark-spec.ts";
import type { IndexingReport } from "./index-corpus.ts";
import type { RerankBudgetReport } from "./rerank-budget-stage.ts";
import type { RerankDepthReport } from "./rerank-depth-stage.ts";
import type { FusionTuningReport } from "./tune-fusion-stage.ts";

export interface StageLatency {
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly meanMs: number;
}

/** One row of the table: a configuration that ran, or one that did not and why. */
export type ConfigurationResult =
  | {
      readonly name: string;
      readonly label: string;
      readonly status: "ok";
      readonly queryCount: number;
      /** Mean of each metric over the queries (trec_eval -c convention). */
      readonly metrics: Readonly<Record<string, number>>;
      readonly latency: Readonly<Record<string, StageLatency>>;
      readonly runFile: string;
      readonly configuration: Readonly<Record<string, unknown>>;
      /** Paired tests against the first configuration that ran, per headline metric. */
      readonly comparedTo?: { readonly name: string; readonly tests: readonly RunComparison[] };
      readonly warnings: readonly string[];
      /**
       * Rows that rerank page images: the candidates given to the reranker over all queries,
       * and how many of them were page images.
       */
      readonly pageImages?: { readonly candidates: number; readonly images: number };
    }
  | {
      readonly name: string;
      readonly label: string;
      readonly status: "skipped" | "failed";
      readonly reason: string;
    };

export interface BenchmarkReport {
  readonly tool: { readonly name: string; readonly versions: Readonly<Record<string, string>> };
  readonly startedAt: string;
  readonly commandLine: readonly string[];
  readonly dataset: {
    readonly directory: string;
    readonly split: string;
    readonly documents: number;
    readonly queries: number;
    readonly judgements: number;
    readonly warnings: readonly string[];
  };
  /** Every setting that decides the results: `--spec results.json` runs the same again. */
  readonly spec: BenchmarkSpec;
  readonly backend: string;
  readonly metrics: readonly string[];
  readonly components: Readonly<Record<string, ComponentReport>>;
  readonly configurations: readonly ConfigurationResult[];
  /** With --tune-fusion: the best fusion of dense and sparse, or why tuning did not run. */
  readonly fusionTuning?: FusionTuningReport | { readonly skipped: string };
  /** With --rerank-depths: quality and rerank latency per depth (table, JSON, rerank-depths.svg). */
  readonly rerankDepths?: RerankDepthReport | { readonly skipped: string };
  /** With --rerank-budget-ms: how often the latency budget held, depths chosen, cache hit rate. */
  readonly rerankBudget?: RerankBudgetReport | { readonly skipped: string };
}

export type ComponentReport =
  | {
      readonly status: "ok";
      readonly configuration: Readonly<Record<string, unknown>>;
      readonly indexing?: IndexingReport;
    }
  | { readonly status: "unavailable"; readonly reason: string };

/** The three figures of the seed's table, in its order. */
export const headlineMetrics = ["recall@5", "ndcg@10", "recall@100"] as const;

export const reportedMetrics = [
  ...headlineMetrics,
  "recall@10",
  "mrr",
  "precision@10",
  "map@100",
  "recall_cap@100",
  "hit_rate@5",
] as const;
