import type { Fusion } from "@hybrid-rag/core";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";

/** Client-side RRF (k = 60, 1-based ranks): needs no licensed server feature. */
export function buildFusion(): Fusion {
  return reciprocalRankFusion({ k: 60 });
}
