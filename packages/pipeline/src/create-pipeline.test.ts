import type { StageErrorEvent } from "@hybrid-rag/core";
import {
  contractCorpus,
  expectErrorCode,
  InMemoryKeywordRetriever,
  WordOverlapReranker,
} from "@hybrid-rag/core/testing";
import { linearFusion } from "@hybrid-rag/fusion";
import { beforeAll, describe, expect, it } from "vitest";
import { HashingDenseRetriever, hitsFor, scriptedRetriever } from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";

const sparse = new InMemoryKeywordRetriever("sparse");
const dense = new HashingDenseRetriever("dense");
const reranker = new WordOverlapReranker();
const query = "electricity from solar panels";

beforeAll(async () => {
  await sparse.upsert(contractCorpus);
});

describe("the seed's configurations, one line each", () => {
  const configurations = {
    dense: () => createPipeline({ retrievers: [dense] }),
    sparse: () => createPipeline({ retrievers: [sparse] }),
    "dense+sparse": () => createPipeline({ retrievers: [dense, sparse] }),
    "dense+reranking": () => createPipeline({ retrievers: [dense], reranker }),
    "sparse+reranking": () => createPipeline({ retrievers: [sparse], reranker }),
    "dense+sparse+reranking": () => createPipeline({ retrievers: [dense, sparse], reranker }),
  };

  it.each(Object.entries(configurations))("%s", async (label, create) => {
    const { hits, timings, warnings } = await create().run(query);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(10);
    expect(hits.map((hit) => hit.rank)).toEqual(hits.map((_, index) => index + 1));
    expect(warnings).toEqual([]);
    expect(timings.total).toBeGreaterThanOrEqual(0);
    const solar = hits.find((hit) => hit.id === "solar");
    expect(solar, "the solar document is found").toBeDefined();
    for (const source of label.replace("+reranking", "").split("+")) {
      expect(timings[`retrieve:${source}`]).toBeGreaterThanOrEqual(0);
      expect(solar!.sources[source]).toMatchObject({ status: "found" });
    }
    if (label.startsWith("dense+sparse")) expect(solar!.fusion?.method).toBe("rrf");
    if (label.endsWith("reranking")) {
      expect(solar!.rerank?.reranker).toBe("word-overlap");
      expect(timings.rerank).toBeGreaterThanOrEqual(0);
    }
  });

  it("takes any fusion", async () => {
    const pipeline = createPipeline({
      retrievers: [dense, sparse],
      fusion: linearFusion({ normalizer: "min-max", weights: { dense: 0.6, sparse: 0.4 } }),
    });
    const { hits } = await pipeline.run(query);
    expect(hits[0]!.fusion?.method).toBe("linear:min-max");
    expect(hits[0]!.sources.dense).toHaveProperty("normalizedScore");
  });

  it("passes the filter to every retriever", async () => {
    const { hits } = await createPipeline({ retrievers: [dense, sparse] }).run("electricity", {
      filter: { year: 2023 },
    });
    expect(hits.map((hit) => hit.id)).toEqual(["wind"]);
  });
});

describe("stages", () => {
  it("runs retrievers in parallel, not one after another", async () => {
    let started = 0;
    let release: () => void = () => {};
    const bothStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Each retriever waits until the other one has started: run sequentially, the first
    // would wait forever, so it gives up after a while and reports it.
    const waitForTheOther = (source: string) =>
      scriptedRetriever(source, async () => {
        started += 1;
        if (started === 2) release();
        const timer = new Promise<"alone">((resolve) => setTimeout(() => resolve("alone"), 5_000));
        const outcome = await Promise.race([bothStarted.then(() => "together" as const), timer]);
        if (outcome === "alone") throw new Error(`${source} ran alone: retrievers are sequential`);
        return hitsFor(source, ["x"]);
      });
    const pipeline = createPipeline({ retrievers: [waitForTheOther("a"), waitForTheOther("b")] });
    const { hits } = await pipeline.run("q");
    expect(hits.map((hit) => hit.id)).toEqual(["x"]);
  });

  it("applies topK per stage: retrieve 100 each, fuse to 100, rerank 100, return 10", async () => {
    const ids = (prefix: string) => Array.from({ length: 150 }, (_, index) => `${prefix}${index}`);
    const first = scriptedRetriever("first", async ({ topK }) =>
      hitsFor("first", ids("f").slice(0, topK)),
    );
    const second = scriptedRetriever("second", async ({ topK }) =>
      hitsFor("second", ids("s").slice(0, topK)),
    );
    const seen: number[] = [];
    const countingReranker = {
      name: "counting",
      rerank: (
        query: string,
        candidates: Parameters<WordOverlapReranker["rerank"]>[1],
        options?: { topN?: number },
      ) => {
        seen.push(candidates.length, options?.topN ?? -1);
        return reranker.rerank(query, candidates, options);
      },
    };
    const pipeline = createPipeline({
      retrievers: [first, second],
      reranker: countingReranker,
      topK: { retrieve: 100, fuse: 100, rerank: 100, final: 10 },
    });
    const { hits } = await pipeline.run("text");
    expect(first.calls[0]!.topK).toBe(100);
    expect(second.calls[0]!.topK).toBe(100);
    expect(seen).toEqual([100, 10]);
    expect(hits).toHaveLength(10);
  });

  it("emits events with timings, in order", async () => {
    const pipeline = createPipeline({ retrievers: [dense, sparse], reranker });
    const seen: string[] = [];
    for (const name of [
      "retrieve-start",
      "retrieve-end",
      "fuse-end",
      "rerank-start",
      "rerank-end",
      "stage-error",
    ] as const) {
      pipeline.events.on(name, (event: object) => {
        seen.push(name);
        if ("durationMs" in event) expect(event.durationMs).toBeGreaterThanOrEqual(0);
      });
    }
    const { timings } = await pipeline.run(query);
    expect(seen).toEqual([
      "retrieve-start",
      "retrieve-start",
      "retrieve-end",
      "retrieve-end",
      "fuse-end",
      "rerank-start",
      "rerank-end",
    ]);
    expect(Object.keys(timings).sort()).toEqual([
      "fuse",
      "rerank",
      "retrieve",
      "retrieve:dense",
      "retrieve:sparse",
      "total",
    ]);
  });

  it("returns [] for a blank query without calling the reranker", async () => {
    const errors: StageErrorEvent[] = [];
    const pipeline = createPipeline({ retrievers: [dense, sparse], reranker });
    pipeline.events.on("stage-error", (event) => errors.push(event));
    expect((await pipeline.run("   ")).hits).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe("options", () => {
  it.each([
    [{ retrievers: [] }, /at least one retriever/],
    [
      { retrievers: [dense, new HashingDenseRetriever("dense")] },
      /two retrievers are named "dense"/,
    ],
    [{ retrievers: [dense], topK: { rerank: 5 } }, /topK.rerank is set but there is no reranker/],
    [{ retrievers: [dense], topK: { fuse: 5, final: 20 } }, /topK.final \(20\) exceeds topK.fuse/],
    [{ retrievers: [dense], reranker, topK: { fuse: 5, rerank: 10 } }, /exceeds topK.fuse/],
    [{ retrievers: [dense], topK: { retrieve: 0 } }, /topK.retrieve must be at least 1/],
    [{ retrievers: [dense], timeouts: { retrieve: -1 } }, /timeouts.retrieve must be more than 0/],
    [
      { retrievers: [dense], onSourceFailure: { sparse: "continue" } },
      /unknown retriever "sparse"/,
    ],
    [{ retrievers: [dense], onSourceFailure: "ignore" }, /onSourceFailure/],
    [{ retrievers: [dense], onRerankFailure: "skip" }, /onRerankFailure must be/],
    [{ retrievers: [{ name: "x" }] }, /retrieve\(query, options\)/],
    [{ retrievers: [dense], topk: {} }, /topk/],
  ])("rejects %j", (options, message) => {
    expect(() => createPipeline(options as never)).toThrow(message);
  });

  it("rejects a fusion whose weights name no retriever, at creation", () => {
    expect(() =>
      createPipeline({
        retrievers: [dense, sparse],
        fusion: linearFusion({ weights: { bm25: 0.3, dense: 0.7 } }),
      }),
    ).toThrow(/weights name unknown source "bm25"; the lists come from "dense", "sparse"/);
  });

  it("rejects a bad query with invalid-argument", async () => {
    await expectErrorCode(
      createPipeline({ retrievers: [dense] }).run(42 as never),
      "invalid-argument",
    );
  });
});
