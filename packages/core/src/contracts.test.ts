import type { Fusion, Hit, RankedList } from "./index.ts";
import {
  HashingEmbedder,
  InMemoryKeywordRetriever,
  runEmbedderContract,
  runFusionContract,
  runRerankerContract,
  runRetrieverContract,
  WordOverlapReranker,
} from "./testing/index.ts";

// The contract suites run here against the reference implementations, so a broken suite
// (or a broken reference) shows up in core before any adapter depends on it.
runRetrieverContract({
  name: "in-memory keyword reference",
  create: async () => {
    const store = new InMemoryKeywordRetriever();
    return { retriever: store, index: store };
  },
});

runEmbedderContract({ name: "hashing reference", create: async () => new HashingEmbedder(64) });

runRerankerContract({
  name: "word-overlap reference",
  create: async () => new WordOverlapReranker(),
});

/** Plain RRF (k = 60), written out in full as an independent reference for the contract. */
class ReferenceRrf implements Fusion {
  readonly name = "reference-rrf";
  fuse(lists: readonly RankedList[], options?: { topK?: number }): Hit[] {
    const sources = lists.map((list) => list.source).sort();
    const byId = new Map<string, { best: Hit; score: number; evidence: Record<string, Hit> }>();
    for (const source of sources) {
      const list = lists.find((candidate) => candidate.source === source)!;
      for (const hit of list.hits) {
        const entry = byId.get(hit.id) ?? { best: hit, score: 0, evidence: {} };
        entry.score += 1 / (60 + hit.rank);
        entry.evidence[source] = hit;
        if (hit.rank < entry.best.rank) entry.best = hit;
        byId.set(hit.id, entry);
      }
    }
    const fused = [...byId.values()].sort(
      (a, b) => b.score - a.score || (a.best.id < b.best.id ? -1 : 1),
    );
    return fused.slice(0, options?.topK ?? fused.length).map((entry, index) => ({
      id: entry.best.id,
      score: entry.score,
      rank: index + 1,
      ...(entry.best.document ? { document: entry.best.document } : {}),
      sources: Object.fromEntries(
        sources.map((source) => {
          const hit = entry.evidence[source];
          return [
            source,
            hit ? { status: "found", rank: hit.rank, score: hit.score } : { status: "absent" },
          ];
        }),
      ),
      fusion: { method: this.name, score: entry.score },
    }));
  }
}

runFusionContract({ name: "reference RRF", create: () => new ReferenceRrf() });
