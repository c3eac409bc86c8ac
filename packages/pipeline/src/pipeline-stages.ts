import type { Hit } from "@hybrid-rag/core";

/** One retriever's ranked list as the fusion got it. */
export interface RetrieverStageResult {
  /** The retriever's `name`. */
  readonly source: string;
  /** "failed": the retriever failed or timed out and the run went on without it ("continue"). */
  readonly status: "ok" | "failed";
  /** Its hits in its own order (empty when it failed). */
  readonly hits: readonly Hit[];
  readonly durationMs: number;
  /** Why it failed (the error's message), only with status "failed". */
  readonly error?: string;
}

/** The fusion's output: `topK.fuse` hits, of which the first `topK.rerank` went to the reranker. */
export interface FusionStageResult {
  /** The fusion's `name` ("rrf", "linear:min-max", …). */
  readonly method: string;
  readonly hits: readonly Hit[];
  readonly durationMs: number;
}

/** The reranker's output, cut to `topK.final` (the run's `hits`). */
export interface RerankStageResult {
  /** The reranker's `name`. */
  readonly reranker: string;
  /** "fallback": the reranker failed or timed out and `hits` is the fused order ("fallback" policy). */
  readonly status: "ok" | "fallback";
  readonly hits: readonly Hit[];
  readonly durationMs: number;
  /** Why the reranker failed (the error's message), only with status "fallback". */
  readonly error?: string;
}

/** Every intermediate list of one run, so a caller can see why each hit is where it is. */
export interface PipelineStages {
  /** One per retriever, in the order they were given. */
  readonly retrievers: readonly RetrieverStageResult[];
  /** Absent when there is no fusion (a single retriever without one). */
  readonly fused?: FusionStageResult;
  /** Absent when there is no reranker. */
  readonly reranked?: RerankStageResult;
}

/** What the stages of one run write as they finish (mutable while the run goes on). */
export interface StageRecord {
  retrievers: RetrieverStageResult[];
  fused?: FusionStageResult;
  reranked?: RerankStageResult;
}
