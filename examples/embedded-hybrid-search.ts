// Hybrid search with nothing but embedded engines: BM25 and a vector index over the same
// documents, fused with reciprocal rank fusion by the pipeline. The HashingEmbedder stands in for
// a real embedding model (no weights to download); swap in createOnnxEmbedder for real use.
import { createBm25Index } from "@hybrid-rag/bm25";
import type { Document, Hit } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";
import { createPipeline } from "@hybrid-rag/pipeline";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import { runWhenExecuted } from "./run-when-executed.ts";

const documents: Document[] = [
  {
    id: "scurvy",
    title: "Scurvy",
    text: "Scurvy is caused by a lack of vitamin C; sailors on long voyages suffered from it.",
    metadata: { topic: "medicine" },
  },
  {
    id: "citrus",
    title: "Citrus fruit",
    text: "Lemons and limes are rich in vitamin C and were carried on ships to prevent disease.",
    metadata: { topic: "food" },
  },
  {
    id: "rickets",
    title: "Rickets",
    text: "Rickets softens the bones of children and is caused by a lack of vitamin D.",
    metadata: { topic: "medicine" },
  },
  {
    id: "sails",
    title: "Sailing ships",
    text: "Square-rigged sailing ships crossed oceans on voyages that lasted many months.",
    metadata: { topic: "history" },
  },
];

export async function main(
  query = "what disease did sailors get without vitamin C",
): Promise<Hit[]> {
  const bm25 = createBm25Index({ analyzer: "english" });
  const dense = createVectorIndex({ embedder: new HashingEmbedder(256), metric: "cosine" });
  await bm25.upsert(documents);
  await dense.upsert(documents);

  const pipeline = createPipeline({
    retrievers: [bm25, dense],
    fusion: reciprocalRankFusion({ k: 60 }),
    topK: { retrieve: 10, final: 3 },
  });
  const { hits, timings } = await pipeline.run(query);

  console.log(`query: ${query}`);
  for (const hit of hits) {
    // Provenance: where each retriever ranked the hit and what it added to the fused score.
    const provenance = Object.entries(hit.sources)
      .map(([source, evidence]) =>
        evidence.status === "found"
          ? `${source} #${evidence.rank} (+${evidence.contribution?.toFixed(4)})`
          : `${source} ${evidence.status}`,
      )
      .join(", ");
    console.log(`${hit.rank}. ${hit.id} ${hit.score.toFixed(4)}  ← ${provenance}`);
  }
  const rounded = Object.entries(timings).map(([stage, ms]) => `${stage} ${ms.toFixed(1)}`);
  console.log(`timings (ms): ${rounded.join(", ")}`);
  return hits;
}

runWhenExecuted(import.meta.url, main);
