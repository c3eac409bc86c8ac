import { describe, expect, it } from "vitest";
import {
  failingReranker,
  hitsFor,
  scriptedRetriever,
  unavailable,
} from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";

const healthy = () => scriptedRetriever("sparse", async () => hitsFor("sparse", ["a", "b"]));

describe("event listeners that fail", () => {
  it("never fail the query, and the listeners after them still run", async () => {
    const pipeline = createPipeline({ retrievers: [healthy()] });
    const seen: string[] = [];
    pipeline.events.on("retrieve-end", () => {
      throw new Error("dashboard is down");
    });
    pipeline.events.on("retrieve-end", (event) => seen.push(`${event.source}:${event.count}`));
    const { hits, warnings } = await pipeline.run("q");
    expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
    expect(seen).toEqual(["sparse:2"]);
    expect(warnings).toEqual([
      'a "retrieve-end" event listener threw and was skipped (the run went on): dashboard is down',
    ]);
  });

  it("are reported when an async listener rejects, without an unhandled rejection", async () => {
    const pipeline = createPipeline({
      retrievers: [healthy()],
      reranker: failingReranker(unavailable("x")),
    });
    pipeline.events.on("rerank-start", async () => {
      throw new Error("async sink failed");
    });
    const { warnings } = await pipeline.run("q");
    expect(warnings).toContain(
      'a "rerank-start" event listener threw and was skipped (the run went on): async sink failed',
    );
  });

  it("of stage-error do not turn a recovered failure into a failed query", async () => {
    const pipeline = createPipeline({
      retrievers: [healthy(), scriptedRetriever("dense", () => Promise.reject(unavailable("q")))],
      onSourceFailure: "continue",
    });
    pipeline.events.once("stage-error", () => {
      throw new Error("alerting failed");
    });
    const { hits, warnings } = await pipeline.run("q");
    expect(hits).toHaveLength(2);
    expect(warnings).toHaveLength(2);
    expect(warnings).toEqual([
      expect.stringMatching(/"stage-error" event listener threw .*alerting failed/),
      expect.stringMatching(/retriever "dense" failed and was left out/),
    ]);
  });

  it("can still be removed with off() and once() fires once", async () => {
    const pipeline = createPipeline({ retrievers: [healthy()] });
    let calls = 0;
    let onceCalls = 0;
    const listener = () => {
      calls++;
    };
    pipeline.events.on("retrieve-start", listener);
    pipeline.events.once("retrieve-start", () => {
      onceCalls++;
    });
    await pipeline.run("q");
    pipeline.events.off("retrieve-start", listener);
    await pipeline.run("q");
    expect([calls, onceCalls]).toEqual([1, 1]);
    expect(pipeline.events.listenerCount("retrieve-start")).toBe(0);
  });
});
