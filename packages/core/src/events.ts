import { EventEmitter } from "eventemitter3";
import type { HybridRagError } from "./errors.ts";

/** Milliseconds measured with performance.now(). */
export type Milliseconds = number;

/** Emitted while an index writes: documents done of the total, failures, time. */
export interface IndexProgressEvent {
  /** Which store is being written (e.g. "bm25", "elasticsearch"). */
  readonly index: string;
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  /** Documents this index left out so far because it cannot read them (image-only ones); absent: none. */
  readonly skipped?: number;
  readonly elapsedMs: Milliseconds;
}

/** Emitted when a retriever is asked. */
export interface RetrieveStartEvent {
  readonly source: string;
  readonly query: string;
  readonly topK: number;
}

/** Emitted when a retriever answers: its hits and the time taken. */
export interface RetrieveEndEvent {
  readonly source: string;
  readonly count: number;
  readonly durationMs: Milliseconds;
}

/** Emitted after fusion: the method, the hits per list fused, the hits kept, the time taken. */
export interface FuseEndEvent {
  readonly method: string;
  readonly inputCounts: Readonly<Record<string, number>>;
  readonly count: number;
  readonly durationMs: Milliseconds;
}

/** Emitted before reranking: the candidates handed to the reranker. */
export interface RerankStartEvent {
  readonly reranker: string;
  readonly candidates: number;
}

/** Emitted after reranking: hits scored, the time taken, and a pipeline's rerank plan. */
export interface RerankEndEvent {
  readonly reranker: string;
  readonly count: number;
  readonly durationMs: Milliseconds;
  /** From a pipeline: the depth it chose (fixed or by latency budget) and the score cache's counts. */
  readonly plan?: RerankPlanReport;
}

/** How a pipeline chose its rerank depth, how the cost prediction fared, and what the cache served. */
export interface RerankPlanReport {
  readonly mode: "depth" | "budget";
  /** Candidates the reranker scored (the chosen depth). */
  readonly depth: number;
  /** Fused candidates there were to choose from. */
  readonly available: number;
  readonly latencyBudgetMs?: Milliseconds;
  /** The cost model's (safety-adjusted) prediction for the chosen depth; absent before any measurement. */
  readonly predictedMs?: Milliseconds;
  readonly actualMs: Milliseconds;
  /** actualMs − predictedMs. */
  readonly predictionErrorMs?: Milliseconds;
  /** Tokens of the pairs not answered by the score cache (what the cost model learns from). */
  readonly scoredTokens: number;
  /** Pairs answered from / not found in the score cache; absent without a cache. */
  readonly cache?: { readonly hits: number; readonly misses: number };
}

/** Emitted when a stage fails or times out, and whether the pipeline went on without it. */
export interface StageErrorEvent {
  /** "retrieve:<source>", "fuse" or "rerank". */
  readonly stage: string;
  readonly error: HybridRagError;
  /** True when the pipeline went on without this stage (per its failure policy). */
  readonly recovered: boolean;
}

/** Every event hybrid-rag emits, named `<noun>-<action>`. */
export interface HybridRagEvents {
  "index-progress": [IndexProgressEvent];
  "retrieve-start": [RetrieveStartEvent];
  "retrieve-end": [RetrieveEndEvent];
  "fuse-end": [FuseEndEvent];
  "rerank-start": [RerankStartEvent];
  "rerank-end": [RerankEndEvent];
  "stage-error": [StageErrorEvent];
}

/** A typed emitter for hybrid-rag events. */
export class HybridRagEmitter extends EventEmitter<HybridRagEvents> {}

/** Anything that reports progress or stage events. */
export interface EmitsEvents {
  readonly events: HybridRagEmitter;
}
