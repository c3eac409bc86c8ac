import type { HybridRagEvents, MetadataFilter } from "@hybrid-rag/core";
import type { StageRecord } from "./pipeline-stages.ts";

/** What every stage of one run needs. */
export interface StageContext {
  readonly query: string;
  readonly filter: MetadataFilter | undefined;
  /** The caller's signal, combined with the total timeout. */
  readonly signal: AbortSignal | undefined;
  /** Emits a pipeline event; a listener that throws becomes a warning of this run. */
  readonly emit: <K extends keyof HybridRagEvents>(event: K, ...args: HybridRagEvents[K]) => void;
  readonly timings: Record<string, number>;
  readonly warnings: string[];
  /** Each stage's list, duration and status; references to lists the stages built anyway. */
  readonly stages: StageRecord;
}
