import { createBm25Index } from "@hybrid-rag/bm25";
import { HybridRagError, type Reranker, type Retriever } from "@hybrid-rag/core";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";
import { beforeAll, describe, expect, it } from "vitest";
import { sampleCorpusPath } from "./demo-config.ts";
import { type DemoComponents, DemoEngine } from "./demo-engine.ts";
import { loadDocuments } from "./load-documents.ts";

const descriptions = { sparse: "BM25", dense: "dense", fused: "RRF", reranked: "reranker" };
const sparse = createBm25Index({ name: "sparse", analyzer: "english" });
const down = (what: string) => new HybridRagError("unavailable", `${what} is down`);
const failingDense: Retriever = { name: "dense", retrieve: () => Promise.reject(down("Qdrant")) };
const failingReranker: Reranker = {
  name: "cross-encoder",
  rerank: () => Promise.reject(down("the reranking server")),
};

function engine(components: Partial<DemoComponents>): DemoEngine {
  return new DemoEngine({
    fusion: reciprocalRankFusion({ k: 60 }),
    indexes: [],
    descriptions,
    off: {},
    analyzer: sparse.analyzer,
    ...components,
  });
}

const summary = (response: Awaited<ReturnType<DemoEngine["search"]>>) =>
  response.stages.map(({ stage, status, hits }) => [stage, status, hits.length]);

beforeAll(async () => {
  await sparse.upsert(await loadDocuments(sampleCorpusPath));
});

describe("DemoEngine on @hybrid-rag/pipeline", () => {
  it("fuses a lone retriever's list and shows the missing ones as off", async () => {
    const off = { reason: "no model", howToEnable: "set it" };
    const response = await engine({ sparse, off: { dense: off, reranked: off } }).search(
      "wind turbines",
      { topK: 3 },
    );
    expect(summary(response)).toEqual([
      ["sparse", "on", 3],
      ["dense", "off", 0],
      ["fused", "on", 3],
      ["reranked", "off", 0],
    ]);
    expect(response.stages[2]!.hits[0]!.fusion?.method).toBe("rrf");
    expect(response.stages[1]!.off).toEqual(off);
  });

  it("shows a failed reranker as failed with its error while the lists before it stay on", async () => {
    const response = await engine({ sparse, reranker: failingReranker }).search("tides");
    expect(response.stages[3]).toMatchObject({
      stage: "reranked",
      status: "failed",
      hits: [],
      error: expect.stringMatching(/the reranking server is down/),
    });
    expect(response.stages[2]!.status).toBe("on");
  });

  it("shows every stage that is on as failed when every retriever failed", async () => {
    const off = { reason: "no model", howToEnable: "set it" };
    const response = await engine({ dense: failingDense, off: { sparse: off } }).search("tides");
    expect(summary(response)).toEqual([
      ["sparse", "off", 0],
      ["dense", "failed", 0],
      ["fused", "failed", 0],
      ["reranked", "off", 0],
    ]);
    expect(response.stages[1]!.error).toMatch(/Qdrant is down/);
  });
});
