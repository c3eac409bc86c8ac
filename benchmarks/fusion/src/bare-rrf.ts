import type { RankedList } from "@hybrid-rag/core";

/**
 * The floor to compare against: RRF with nothing else (no validation, no provenance, no
 * payload, no tie-breaking beyond the sort). What any fusion costs at least.
 */
export function bareReciprocalRankFusion(
  lists: readonly RankedList[],
  k = 60,
): Array<{ id: string; score: number }> {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.hits.forEach((hit, index) => {
      scores.set(hit.id, (scores.get(hit.id) ?? 0) + 1 / (k + index + 1));
    });
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}
