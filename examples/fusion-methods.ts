// The same two ranked lists (a BM25 list and a dense list) fused three ways, to show how the
// methods differ: RRF looks only at ranks; linear min-max and DBSF rescale each list's scores
// first (to [0, 1], or by mean ± 3 standard deviations) and then add them.
import type { Hit, RankedList } from "@hybrid-rag/core";
import {
  distributionBasedScoreFusion,
  linearFusion,
  reciprocalRankFusion,
} from "@hybrid-rag/fusion";
import { runWhenExecuted } from "./run-when-executed.ts";

function rankedList(
  source: string,
  entries: ReadonlyArray<[id: string, score: number]>,
): RankedList {
  const hits: Hit[] = entries.map(([id, score], index) => ({
    id,
    score,
    rank: index + 1,
    sources: { [source]: { status: "found", rank: index + 1, score } },
  }));
  return { source, hits };
}

// BM25 scores are unbounded; cosine similarities sit close together near the top.
const lists = [
  rankedList("bm25", [
    ["scurvy", 14.2],
    ["rickets", 9.8],
    ["citrus", 4.1],
    ["sails", 3.9],
  ]),
  rankedList("dense", [
    ["citrus", 0.83],
    ["scurvy", 0.81],
    ["sails", 0.62],
    ["beriberi", 0.6],
  ]),
];

const methods = {
  "rrf (k 60)": reciprocalRankFusion({ k: 60 }),
  "linear min-max": linearFusion({ normalizer: "min-max" }),
  dbsf: distributionBasedScoreFusion(),
};

export async function main(): Promise<Record<string, Hit[]>> {
  const results: Record<string, Hit[]> = {};
  for (const [label, fusion] of Object.entries(methods)) {
    const hits = await fusion.fuse(lists, { topK: 5 });
    results[label] = hits;
    console.log(`${label}:`);
    for (const hit of hits)
      console.log(`  ${hit.rank}. ${hit.id.padEnd(9)} ${hit.score.toFixed(4)}`);
  }
  return results;
}

runWhenExecuted(import.meta.url, main);
