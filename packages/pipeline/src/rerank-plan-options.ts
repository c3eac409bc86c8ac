import type { Document } from "@hybrid-rag/core";
import { z } from "zod";
import { RerankScoreCache } from "./rerank-score-cache.ts";

/** How many fused candidates the reranker scores: a fixed depth, or the most a latency budget affords. */
export type RerankPlan =
  | { readonly depth: number }
  | {
      readonly latencyBudgetMs: number;
      /** Never fewer (default topK.final): below it the run reranks minDepth even if over budget. */
      readonly minDepth?: number;
      /** Never more (default topK.rerank). */
      readonly maxDepth?: number;
      /** Depth of the first runs, before any measurement exists (default min(maxDepth, max(minDepth, 10))). */
      readonly initialDepth?: number;
    };

/** What the cost model needs to know about the reranker (all optional). */
export interface RerankCostOptions {
  /** Tokens of one (query, passage) pair, e.g. a CrossEncoder's countTokens; default ≈ UTF-16 length / 4. */
  readonly countTokens?: (query: string, passage: string) => number;
  /** Which cost curve this reranker has (model and provider); default the reranker's name. */
  readonly costKey?: string;
  /** The text scored for a document (cache key); default "title text", as the rerankers do. */
  readonly passageText?: (document: Document) => string;
}

const depth = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(10_000, `${what} must be at most 10000`);

export const rerankPlanSchema = z.union(
  [
    z.strictObject({ depth: depth("rerank.depth") }),
    z.strictObject({
      latencyBudgetMs: z
        .number({ error: "rerank.latencyBudgetMs must be a number of milliseconds" })
        .positive("rerank.latencyBudgetMs must be more than 0 ms"),
      minDepth: depth("rerank.minDepth").optional(),
      maxDepth: depth("rerank.maxDepth").optional(),
      initialDepth: depth("rerank.initialDepth").optional(),
    }),
  ],
  { error: "rerank must be { depth } or { latencyBudgetMs, minDepth?, maxDepth?, initialDepth? }" },
);

export const rerankCostSchema = z.strictObject({
  countTokens: z
    .custom<(query: string, passage: string) => number>(
      (value) => typeof value === "function",
      "rerankCost.countTokens must be a function (query, passage) => number",
    )
    .optional(),
  costKey: z.string().min(1).optional(),
  passageText: z
    .custom<(document: Document) => string>(
      (value) => typeof value === "function",
      "rerankCost.passageText must be a function (document) => string",
    )
    .optional(),
});

// The instance first: a RerankScoreCache also has a `maxEntries` field and would otherwise be
// parsed as options, silently replacing a cache the caller means to share.
export const scoreCacheSchema = z.union([
  z.instanceof(RerankScoreCache, {
    message: "scoreCache must be { maxEntries } or a RerankScoreCache",
  }),
  z.strictObject({
    maxEntries: depth("scoreCache.maxEntries").max(
      10_000_000,
      "scoreCache.maxEntries must be at most 10000000",
    ),
  }),
]);

/** The plan with every default applied. */
export type ResolvedRerankPlan =
  | { readonly mode: "depth"; readonly depth: number }
  | {
      readonly mode: "budget";
      readonly latencyBudgetMs: number;
      readonly minDepth: number;
      readonly maxDepth: number;
      readonly initialDepth: number;
    };

/** Checks a plan against the stage sizes; returns the plan, or a message saying what is wrong. */
export function resolveRerankPlan(
  plan: z.output<typeof rerankPlanSchema> | undefined,
  topK: { readonly rerank: number; readonly final: number },
): ResolvedRerankPlan | string {
  if (plan === undefined) return { mode: "depth", depth: topK.rerank };
  if ("depth" in plan) {
    if (plan.depth > topK.rerank) {
      return `rerank.depth (${plan.depth}) exceeds topK.rerank (${topK.rerank}); raise topK.rerank.`;
    }
    if (plan.depth < topK.final) {
      return `rerank.depth (${plan.depth}) is below topK.final (${topK.final}); lower topK.final.`;
    }
    return { mode: "depth", depth: plan.depth };
  }
  const minDepth = plan.minDepth ?? topK.final;
  const maxDepth = plan.maxDepth ?? topK.rerank;
  if (minDepth < topK.final) {
    return `rerank.minDepth (${minDepth}) is below topK.final (${topK.final}); lower topK.final.`;
  }
  if (maxDepth > topK.rerank) {
    return `rerank.maxDepth (${maxDepth}) exceeds topK.rerank (${topK.rerank}); raise topK.rerank.`;
  }
  if (minDepth > maxDepth) {
    return `rerank.minDepth (${minDepth}) exceeds rerank.maxDepth (${maxDepth}).`;
  }
  const initialDepth = plan.initialDepth ?? Math.min(maxDepth, Math.max(minDepth, 10));
  if (initialDepth < minDepth || initialDepth > maxDepth) {
    return `rerank.initialDepth (${initialDepth}) must lie between minDepth (${minDepth}) and maxDepth (${maxDepth}).`;
  }
  return {
    mode: "budget",
    latencyBudgetMs: plan.latencyBudgetMs,
    minDepth,
    maxDepth,
    initialDepth,
  };
}
