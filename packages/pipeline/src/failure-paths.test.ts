import type { HybridRagError, StageErrorEvent } from "@hybrid-rag/core";
import { expectErrorCode, WordOverlapReranker } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import {
  failingReranker,
  hitsFor,
  never,
  scriptedRetriever,
  unavailable,
} from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";

const healthy = () => scriptedRetriever("sparse", async () => hitsFor("sparse", ["a", "b"]));
const broken = () => scriptedRetriever("dense", () => Promise.reject(unavailable("qdrant")));
/** Never answers and ignores its signal: only the pipeline's own deadline can end the wait. */
const hanging = (name = "dense") => scriptedRetriever(name, () => never());

function stageErrors(pipeline: ReturnType<typeof createPipeline>): StageErrorEvent[] {
  const seen: StageErrorEvent[] = [];
  pipeline.events.on("stage-error", (event) => seen.push(event));
  return seen;
}

describe("a failing source", () => {
  it('fails the query under "fail" (the default)', async () => {
    const pipeline = createPipeline({ retrievers: [healthy(), broken()] });
    const errors = stageErrors(pipeline);
    await expectErrorCode(pipeline.run("q"), "unavailable");
    expect(errors).toMatchObject([{ stage: "retrieve:dense", recovered: false }]);
  });

  it('is left out with a warning under "continue", and marked failed on every hit', async () => {
    const pipeline = createPipeline({
      retrievers: [healthy(), broken()],
      onSourceFailure: { dense: "continue" },
    });
    const errors = stageErrors(pipeline);
    const { hits, warnings } = await pipeline.run("q");
    expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
    for (const hit of hits) {
      expect(hit.sources.dense).toEqual({
        status: "failed",
        reason: "qdrant is down (connection refused)",
      });
    }
    expect(warnings).toEqual([
      'retriever "dense" failed and was left out: qdrant is down (connection refused)',
    ]);
    expect(errors).toMatchObject([{ stage: "retrieve:dense", recovered: true }]);
  });

  it("fails the query when every source failed, naming each", async () => {
    const pipeline = createPipeline({
      retrievers: [broken(), scriptedRetriever("sparse", () => Promise.reject(new Error("boom")))],
      onSourceFailure: "continue",
    });
    const errors = stageErrors(pipeline);
    const run = pipeline.run("q");
    await expect(run).rejects.toThrow(
      /Every retriever failed.*"dense": qdrant is down.*"sparse": .*boom/,
    );
    expect(errors.map((event) => event.recovered)).toEqual([false, false]);
  });

  it("times out a hanging source after timeouts.retrieve", async () => {
    const failing = createPipeline({
      retrievers: [healthy(), hanging()],
      timeouts: { retrieve: 20 },
    });
    await expectErrorCode(failing.run("q"), "timeout");
    const tolerant = createPipeline({
      retrievers: [healthy(), hanging()],
      timeouts: { retrieve: 20 },
      onSourceFailure: "continue",
    });
    const { hits, warnings } = await tolerant.run("q");
    expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
    expect(warnings[0]).toMatch(/retriever "dense" failed .*took longer than 20 ms/);
  });

  it("hands each retriever a signal that fires on timeout", async () => {
    let fired: unknown;
    const polite = scriptedRetriever(
      "dense",
      ({ signal }) =>
        new Promise((_, reject) =>
          signal?.addEventListener("abort", () => {
            fired = signal.reason;
            reject(signal.reason);
          }),
        ),
    );
    const pipeline = createPipeline({
      retrievers: [polite],
      timeouts: { retrieve: 10 },
    });
    await expectErrorCode(pipeline.run("q"), "timeout");
    expect((fired as Error).name).toBe("TimeoutError");
  });
});

describe("a failing fusion", () => {
  it("fails the query with the fusion's error and a stage-error event", async () => {
    const throwing = {
      name: "throwing-fusion",
      fuse: (lists: readonly { hits: readonly unknown[] }[]) => {
        if (lists.some((list) => list.hits.length > 0)) throw new Error("fusion bug");
        return [];
      },
    };
    const pipeline = createPipeline({
      retrievers: [healthy(), scriptedRetriever("dense", async () => hitsFor("dense", ["x"]))],
      fusion: throwing,
    });
    const errors = stageErrors(pipeline);
    await expect(pipeline.run("q")).rejects.toThrow(/fusion "throwing-fusion": fusion bug/);
    expect(errors).toMatchObject([{ stage: "fuse", recovered: false }]);
  });
});

describe("aborting", () => {
  it("rejects with aborted when the caller aborts mid-run, even under continue", async () => {
    const controller = new AbortController();
    const pipeline = createPipeline({
      retrievers: [healthy(), hanging()],
      onSourceFailure: "continue",
    });
    const run = pipeline.run("q", { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expectErrorCode(run, "aborted");
  });

  it("rejects at once for a signal that has already fired", async () => {
    const retriever = healthy();
    const pipeline = createPipeline({ retrievers: [retriever] });
    await expectErrorCode(pipeline.run("q", { signal: AbortSignal.abort() }), "aborted");
  });

  it("stops a run that exceeds timeouts.total", async () => {
    const pipeline = createPipeline({ retrievers: [hanging()], timeouts: { total: 20 } });
    await expectErrorCode(pipeline.run("q"), "timeout");
  });

  it("aborts a hanging reranker when the caller aborts", async () => {
    const controller = new AbortController();
    const pipeline = createPipeline({
      retrievers: [healthy()],
      reranker: failingReranker(() => never()),
    });
    const run = pipeline.run("q", { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expectErrorCode(run, "aborted");
  });
});

describe("a failing reranker", () => {
  it("falls back to the fused order with a warning by default", async () => {
    const pipeline = createPipeline({
      retrievers: [healthy()],
      reranker: failingReranker(unavailable("the reranking service")),
      topK: { final: 1 },
    });
    const errors = stageErrors(pipeline);
    const { hits, warnings } = await pipeline.run("q");
    expect(hits.map((hit) => [hit.id, hit.rank, hit.rerank])).toEqual([["a", 1, undefined]]);
    expect(warnings).toEqual([
      'reranker "broken-reranker" failed, so the fused order is returned: the reranking service is down (connection refused)',
    ]);
    expect(errors).toMatchObject([{ stage: "rerank", recovered: true }]);
  });

  it("falls back after timeouts.rerank", async () => {
    const pipeline = createPipeline({
      retrievers: [healthy()],
      reranker: failingReranker(() => never()),
      timeouts: { rerank: 20 },
    });
    const errors = stageErrors(pipeline);
    const { hits, warnings } = await pipeline.run("q");
    expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
    expect(warnings[0]).toMatch(/took longer than 20 ms/);
    expect((errors[0]!.error as HybridRagError).code).toBe("timeout");
  });

  it('fails the query under onRerankFailure: "fail"', async () => {
    const pipeline = createPipeline({
      retrievers: [healthy()],
      reranker: failingReranker(unavailable("the reranking service")),
      onRerankFailure: "fail",
    });
    await expectErrorCode(pipeline.run("q"), "unavailable");
  });

  it("falls back on any reranker error, a rejected candidate list included", async () => {
    // Candidates without documents make the reference reranker reject; fallback still applies.
    const bare = scriptedRetriever("sparse", async () =>
      hitsFor("sparse", ["a"]).map(({ document: _omitted, ...hit }) => hit),
    );
    const pipeline = createPipeline({ retrievers: [bare], reranker: new WordOverlapReranker() });
    const { hits, warnings } = await pipeline.run("q");
    expect(hits.map((hit) => hit.id)).toEqual(["a"]);
    expect(warnings[0]).toMatch(/has no document/);
  });
});
