import type { HybridRagEmitter, MetadataFilter } from "@hybrid-rag/core";

/** What every stage of one run needs. */
export interface StageContext {
  readonly query: string;
  readonly filter: MetadataFilter | undefined;
  /** The caller's signal, combined with the total timeout. */
  readonly signal: AbortSignal | undefined;
  readonly events: HybridRagEmitter;
  readonly timings: Record<string, number>;
  readonly warnings: string[];
}
