import { timeoutMsSchema } from "@hybrid-rag/core";
import { z } from "zod";

/** What to do when a retriever fails or times out: fail the query, or go on without it (with a warning). */
export type SourceFailurePolicy = "fail" | "continue";
/** What to do when the reranker fails or times out: fail the query, or return the fused order (with a warning). */
export type RerankFailurePolicy = "fail" | "fallback";

export interface StageTopK {
  /** Hits asked of each retriever (default 100). */
  readonly retrieve?: number;
  /** Hits kept after fusion (default: topK.retrieve). */
  readonly fuse?: number;
  /** Candidates handed to the reranker (default: topK.fuse). */
  readonly rerank?: number;
  /** Hits returned (default 10). */
  readonly final?: number;
}

/** Each at most 2^31 - 1 ms (`maxTimeoutMs`, the longest delay setTimeout holds); unset = no limit. */
export interface StageTimeouts {
  /** Milliseconds each retriever may take. */
  readonly retrieve?: number;
  /** Milliseconds the reranker may take. */
  readonly rerank?: number;
  /** Milliseconds the whole run may take. */
  readonly total?: number;
}

const count = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(10_000, `${what} must be at most 10000`);

const sourcePolicySchema = z.enum(["fail", "continue"], {
  error: 'a source failure policy must be "fail" or "continue"',
});

/** The settings a pipeline definition shares with the code API (everything but the components). */
export const pipelineSettingsShape = {
  topK: z
    .strictObject({
      retrieve: count("topK.retrieve").optional(),
      fuse: count("topK.fuse").optional(),
      rerank: count("topK.rerank").optional(),
      final: count("topK.final").optional(),
    })
    .optional(),
  timeouts: z
    .strictObject({
      retrieve: timeoutMsSchema("timeouts.retrieve").optional(),
      rerank: timeoutMsSchema("timeouts.rerank").optional(),
      total: timeoutMsSchema("timeouts.total").optional(),
    })
    .optional(),
  onSourceFailure: z
    .union([sourcePolicySchema, z.record(z.string().min(1), sourcePolicySchema)])
    .optional(),
  onRerankFailure: z
    .enum(["fail", "fallback"], { error: 'onRerankFailure must be "fail" or "fallback"' })
    .optional(),
  pageImages: z
    .enum(["off", "add"], { error: 'pageImages must be "off" or "add"' })
    .optional()
    .describe(
      "add: the reranker (an image-aware one) also scores the stored page images of its candidates' PDF pages",
    ),
  maxPageImages: count("maxPageImages")
    .optional()
    .describe("page images added to one query's rerank candidates at most (default 8)"),
};

export interface PipelineSettings {
  readonly topK?: StageTopK;
  readonly timeouts?: StageTimeouts;
  /** One policy for every retriever, or one per retriever name (unnamed ones: "fail"). Default "fail". */
  readonly onSourceFailure?: SourceFailurePolicy | Readonly<Record<string, SourceFailurePolicy>>;
  /** Default "fallback": the fused order, with a warning. */
  readonly onRerankFailure?: RerankFailurePolicy;
  /**
   * "add": before reranking, the stored page image of each text candidate's PDF page joins the
   * candidates (each once, at most `maxPageImages`), so a page whose picture holds the answer
   * can be reranked up. Needs an image-aware reranker (`accepts.images`) and a page-image
   * source (a collection); anything else is refused when the pipeline is built. Default "off".
   */
  readonly pageImages?: PageImagesMode;
  /** Page images added to one query's candidates at most (default 8). */
  readonly maxPageImages?: number;
}

/** Whether page images join the rerank candidates (see `PipelineSettings.pageImages`). */
export type PageImagesMode = "off" | "add";
