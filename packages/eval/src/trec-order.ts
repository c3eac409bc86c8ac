import { compareCodePoints } from "@hybrid-rag/core/internal";
import type { RunEntry } from "./types.ts";

/**
 * Orders entries the way trec_eval does before cutting at k: score descending, ties broken by
 * document id descending in byte order (strcmp on UTF-8 = Unicode code point order).
 */
export function rankLikeTrecEval(entries: readonly RunEntry[]): RunEntry[] {
  return [...entries].sort(
    (left, right) => right.score - left.score || compareCodePoints(right.docId, left.docId),
  );
}
