import type { HybridRagEmitter, MetadataFilter } from "@hybrid-rag/core";
import type { StageRecord } from "./pipeline-stages.ts";

/** What every stage of one run needs. */
export interface StageContext {
  readonly query: string;
  readonly filter: MetadataFilter | undefined;
  /** The caller's signal, combined with the total timeout. */
  readonly signal: AbortSignal | undefined;
  readonly events: HybridRagEmitter;
  readonly timings: Record<string, number>;
  readonly warnings: string[];
  /** Each stage's list, duration and status; references to lists the stages built anyway. */
  readonly stages: StageRecord;
}
