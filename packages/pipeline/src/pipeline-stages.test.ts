import { WordOverlapReranker } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import {
  failingReranker,
  hitsFor,
  never,
  scriptedRetriever,
  unavailable,
} from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";

const sparse = () => scriptedRetriever("sparse", async () => hitsFor("sparse", ["a", "b", "c"]));
const dense = () => scriptedRetriever("dense", async () => hitsFor("dense", ["c", "d"]));
const broken = () => scriptedRetriever("dense", () => Promise.reject(unavailable("qdrant")));
const ids = (hits: readonly { id: string }[]) => hits.map((hit) => hit.id);

describe("stages (includeStages: true)", () => {
  it("are left out unless asked for, and the other fields are the same either way", async () => {
    const pipeline = createPipeline({ retrievers: [sparse(), dense()] });
    const plain = await pipeline.run("q");
    expect(Object.keys(plain).sort()).toEqual(["hits", "timings", "warnings"]);
    const staged = await pipeline.run("q", { includeStages: true });
    expect(staged.hits).toEqual(plain.hits);
    expect(staged.warnings).toEqual(plain.warnings);
    expect(Object.keys(staged.timings).sort()).toEqual(Object.keys(plain.timings).sort());
  });

  it("hold every retriever's list, the fused list and the reranked list, each timed", async () => {
    const pipeline = createPipeline({
      retrievers: [sparse(), dense()],
      reranker: new WordOverlapReranker(),
      topK: { fuse: 4, rerank: 3, final: 2 },
    });
    const { hits, timings, stages } = await pipeline.run("text of d", { includeStages: true });
    expect(stages.retrievers.map(({ source, status }) => [source, status])).toEqual([
      ["sparse", "ok"],
      ["dense", "ok"],
    ]);
    expect(ids(stages.retrievers[0]!.hits)).toEqual(["a", "b", "c"]);
    expect(ids(stages.retrievers[1]!.hits)).toEqual(["c", "d"]);
    expect(stages.fused?.method).toBe("rrf");
    expect(ids(stages.fused!.hits)).toEqual(["c", "a", "b", "d"]);
    expect(stages.reranked).toMatchObject({ reranker: "word-overlap", status: "ok" });
    // The reranked list is the result itself, not a copy.
    expect(stages.reranked!.hits).toBe(hits);
    expect(stages.retrievers[0]!.durationMs).toBe(timings["retrieve:sparse"]);
    expect(stages.fused!.durationMs).toBe(timings.fuse);
    expect(stages.reranked!.durationMs).toBe(timings.rerank);
    expect(stages.retrievers[0]).not.toHaveProperty("error");
  });

  it("have neither a fused nor a reranked list for a single retriever on its own", async () => {
    const { stages } = await createPipeline({ retrievers: [sparse()] }).run("q", {
      includeStages: true,
    });
    expect(stages.retrievers).toHaveLength(1);
    expect(stages).not.toHaveProperty("fused");
    expect(stages).not.toHaveProperty("reranked");
  });

  it('mark a retriever left out under "continue" as failed with its error message', async () => {
    const pipeline = createPipeline({
      retrievers: [sparse(), broken()],
      onSourceFailure: "continue",
    });
    const { stages } = await pipeline.run("q", { includeStages: true });
    expect(stages.retrievers[1]).toEqual({
      source: "dense",
      status: "failed",
      hits: [],
      durationMs: expect.any(Number),
      error: "qdrant is down (connection refused)",
    });
    expect(ids(stages.fused!.hits)).toEqual(["a", "b", "c"]);
  });

  it("mark a timed-out retriever as failed", async () => {
    const pipeline = createPipeline({
      retrievers: [sparse(), scriptedRetriever("dense", () => never())],
      timeouts: { retrieve: 20 },
      onSourceFailure: "continue",
    });
    const { stages } = await pipeline.run("q", { includeStages: true });
    expect(stages.retrievers[1]).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/took longer than 20 ms/),
    });
  });

  it("mark a reranker that failed as fallback, with the fused order and the error", async () => {
    const pipeline = createPipeline({
      retrievers: [sparse()],
      reranker: failingReranker(unavailable("the reranking service")),
      topK: { final: 2 },
    });
    const { hits, stages } = await pipeline.run("q", { includeStages: true });
    expect(stages.reranked).toEqual({
      reranker: "broken-reranker",
      status: "fallback",
      hits,
      durationMs: expect.any(Number),
      error: "the reranking service is down (connection refused)",
    });
    expect(ids(hits)).toEqual(["a", "b"]);
  });

  it("show an empty reranked list when there was nothing to rerank", async () => {
    const pipeline = createPipeline({
      retrievers: [scriptedRetriever("sparse", async () => [])],
      reranker: failingReranker(unavailable("never called")),
    });
    const { stages } = await pipeline.run("q", { includeStages: true });
    expect(stages.reranked).toMatchObject({ status: "ok", hits: [], durationMs: 0 });
  });
});
