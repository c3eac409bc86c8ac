import type { Hit, RankedList } from "@hybrid-rag/core";

/**
 * Two lists of `size` hits shaped like a BM25 list and a cosine list for the same query: half of
 * each list's ids also appear in the other, at different ranks. Deterministic.
 */
export function twoLists(size = 100): RankedList[] {
  const sparse = Array.from({ length: size }, (_, index) => `doc-${index * 2}`);
  // Every other dense id is shared with the sparse list (in reverse order), the rest are new.
  const dense = Array.from({ length: size }, (_, index) =>
    index % 2 === 0 ? `doc-${(size - 1 - index) * 2}` : `doc-${index * 2 + 1}`,
  );
  return [
    toList("bm25", sparse, (rank) => 25 - rank * 0.2),
    toList("dense", dense, (rank) => 0.9 - rank * 0.004),
  ];
}

function toList(source: string, ids: string[], score: (rank: number) => number): RankedList {
  const hits: Hit[] = ids.map((id, index) => {
    const rank = index + 1;
    return {
      id,
      score: score(rank),
      rank,
      document: { id, text: `passage ${id}` },
      sources: { [source]: { status: "found", rank, score: score(rank) } },
    };
  });
  return { source, hits };
}
