import { createBm25Index } from "@hybrid-rag/bm25";
import { contractCorpus, WordOverlapReranker } from "@hybrid-rag/core/testing";
import { distributionBasedScoreFusion, reciprocalRankFusion } from "@hybrid-rag/fusion";
import { beforeAll, describe, expect, it } from "vitest";
import { HashingDenseRetriever } from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";

// The embedded BM25 (Lucene-exact scoring) as the sparse side of a real hybrid pipeline.
const bm25 = createBm25Index({ analyzer: "english" });
const dense = new HashingDenseRetriever("dense");

beforeAll(async () => {
  const report = await bm25.upsert(contractCorpus);
  expect(report.failed).toEqual([]);
});

describe("hybrid pipeline with the embedded BM25", () => {
  it("fuses BM25 and dense results exactly as the fusion does on its own", async () => {
    const query = "wind turbines generate electricity";
    const fusion = reciprocalRankFusion();
    const { hits } = await createPipeline({ retrievers: [bm25, dense], fusion }).run(query);
    const lists = await Promise.all(
      [bm25, dense].map(async (retriever) => ({
        source: retriever.name,
        hits: await retriever.retrieve(query, { topK: 100 }),
      })),
    );
    expect(hits).toEqual(fusion.fuse(lists, { topK: 100 }).slice(0, 10));
    expect(hits[0]!.id).toBe("wind");
    expect(hits[0]!.sources.bm25).toMatchObject({ status: "found", rank: 1 });
  });

  it("runs BM25 alone, and BM25 + dense + reranking, as one-liners", async () => {
    const sparseOnly = await createPipeline({ retrievers: [bm25] }).run("croissants");
    expect(sparseOnly.hits.map((hit) => hit.id)).toEqual(["cafe-é"]);
    expect(sparseOnly.hits[0]!.fusion).toBeUndefined();

    const full = createPipeline({
      retrievers: [bm25, dense],
      fusion: distributionBasedScoreFusion(),
      reranker: new WordOverlapReranker(),
      topK: { retrieve: 20, final: 3 },
    });
    const { hits, warnings } = await full.run("solar panels sunlight");
    expect(warnings).toEqual([]);
    expect(hits[0]!.id).toBe("solar");
    expect(hits[0]!.fusion?.method).toBe("dbsf");
    expect(hits[0]!.rerank).toMatchObject({ reranker: "word-overlap" });
  });
});
