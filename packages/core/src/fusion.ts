import type { Hit, RankedList } from "./hit.ts";

/** Options of one `Fusion.fuse` call. */
export interface FuseOptions {
  /** Keep at most this many fused hits (default: all). */
  readonly topK?: number;
}

/**
 * Merges ranked lists whose scores are not comparable into one list. Documents are matched by
 * `id` only. The output is ordered by fused score with consecutive ranks; every hit has evidence
 * for every input source (found with rank/score/normalised score/contribution, absent or failed).
 */
export interface Fusion {
  readonly name: string;
  fuse(lists: readonly RankedList[], options?: FuseOptions): Hit[];
}
