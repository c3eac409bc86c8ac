import type { Hit, RerankEndEvent, Reranker, RerankOptions } from "@hybrid-rag/core";
import { expectErrorCode, WordOverlapReranker } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import { hitsFor, scriptedRetriever } from "./components.test.helper.ts";
import { createPipeline } from "./create-pipeline.ts";
import { RerankCostModel } from "./rerank-cost-model.ts";
import { RerankScoreCache } from "./rerank-score-cache.ts";

const ids = Array.from({ length: 40 }, (_, index) => `doc-${index}`);
const retriever = scriptedRetriever("bm25", async (options) =>
  hitsFor("bm25", ids).slice(0, options.topK),
);

/** WordOverlapReranker that records how many candidates each call scored, and takes ≥ 1 ms. */
function countingReranker(): Reranker & { calls: number[] } {
  const inner = new WordOverlapReranker();
  const calls: number[] = [];
  return {
    name: "counting",
    calls,
    async rerank(query: string, candidates: readonly Hit[], options?: RerankOptions) {
      calls.push(candidates.length);
      await new Promise((resolve) => setTimeout(resolve, 1));
      return inner.rerank(query, candidates, options);
    },
  };
}

describe("RerankScoreCache", () => {
  it("evicts the least recently used pair and counts hits and misses", () => {
    const cache = new RerankScoreCache(2);
    const [a, b, c] = ["a", "b", "c"].map((passage) => RerankScoreCache.key("m", "q", passage));
    cache.set(a!, 1);
    cache.set(b!, 2);
    expect(cache.get(a!)).toBe(1); // a is now the most recent
    cache.set(c!, 3); // evicts b
    expect(cache.get(b!)).toBeUndefined();
    expect(cache.get(c!)).toBe(3);
    expect(cache.stats()).toEqual({ hits: 2, misses: 1, evictions: 1, size: 2, maxEntries: 2 });
  });

  it("keys on model, query and passage", () => {
    const keys = new Set([
      RerankScoreCache.key("m", "q", "p"),
      RerankScoreCache.key("m2", "q", "p"),
      RerankScoreCache.key("m", "q2", "p"),
      RerankScoreCache.key("m", "q", "p2"),
      RerankScoreCache.key("mq", "", "p"),
    ]);
    expect(keys.size).toBe(5);
  });

  it("rejects a size below 1", () => {
    expect(() => new RerankScoreCache(0)).toThrow(/maxEntries/);
  });
});

describe("RerankCostModel", () => {
  it("recovers a linear cost and never predicts below the fitted line", () => {
    const model = new RerankCostModel();
    expect(model.predict("m", 100)).toBeUndefined();
    for (const tokens of [100, 400, 800, 1600, 3200]) model.observe("m", tokens, 2 + tokens * 0.01);
    const prediction = model.predict("m", 1000)!;
    expect(prediction.fittedMs).toBeCloseTo(12, 6);
    expect(prediction.safeMs).toBeGreaterThanOrEqual(prediction.fittedMs);
    expect(model.predict("other", 1000)).toBeUndefined();
  });

  it("widens predictions by the 95th percentile of actual / fitted", () => {
    const model = new RerankCostModel();
    // One slow call in ten: the 95th percentile of actual / fitted is that call's ratio.
    for (let index = 0; index < 10; index++) model.observe("m", 1000, index === 0 ? 20 : 10);
    const prediction = model.predict("m", 1000)!;
    expect(prediction.safeMs / prediction.fittedMs).toBeGreaterThan(1);
  });
});

describe("pipeline rerank depth and latency budget", () => {
  it("reranks exactly `depth` candidates and reports it in the result and the event", async () => {
    const reranker = countingReranker();
    const pipeline = createPipeline({
      retrievers: [retriever],
      reranker,
      topK: { retrieve: 40, final: 5 },
      rerank: { depth: 12 },
    });
    const events: RerankEndEvent[] = [];
    pipeline.events.on("rerank-end", (event) => events.push(event));
    const result = await pipeline.run("text of doc-7");
    expect(reranker.calls).toEqual([12]);
    expect(result.hits).toHaveLength(5);
    expect(result.rerank).toMatchObject({ mode: "depth", depth: 12, available: 40 });
    expect(events[0]?.plan).toEqual(result.rerank);
  });

  it("in budget mode starts at initialDepth, then predicts; a huge budget buys maxDepth, a tiny one minDepth", async () => {
    const reranker = countingReranker();
    const generous = createPipeline({
      retrievers: [retriever],
      reranker,
      topK: { retrieve: 40, final: 5 },
      rerank: { latencyBudgetMs: 1e9, initialDepth: 8 },
    });
    const first = await generous.run("text of doc-1");
    expect(first.rerank).toMatchObject({ mode: "budget", depth: 8, latencyBudgetMs: 1e9 });
    expect(first.rerank?.predictedMs).toBeUndefined();
    const second = await generous.run("text of doc-2");
    expect(second.rerank?.depth).toBe(40);
    expect(second.rerank?.predictedMs).toBeGreaterThan(0);
    expect(second.rerank?.predictionErrorMs).toBeCloseTo(
      second.rerank!.actualMs - second.rerank!.predictedMs!,
      9,
    );

    const strict = createPipeline({
      retrievers: [retriever],
      reranker: countingReranker(),
      topK: { retrieve: 40, final: 5 },
      rerank: { latencyBudgetMs: 1e-6, minDepth: 6 },
    });
    await strict.run("text of doc-1");
    const tight = await strict.run("text of doc-2");
    expect(tight.rerank?.depth).toBe(6);
    expect(tight.rerank!.predictedMs!).toBeGreaterThan(1e-6);
  });

  it("serves repeated pairs from the score cache: same hits, no second scoring, hit counts in the event", async () => {
    const reranker = countingReranker();
    const pipeline = createPipeline({
      retrievers: [retriever],
      reranker,
      topK: { retrieve: 40, final: 10 },
      rerank: { depth: 20 },
      scoreCache: { maxEntries: 1000 },
    });
    const events: RerankEndEvent[] = [];
    pipeline.events.on("rerank-end", (event) => events.push(event));
    const first = await pipeline.run("text of doc-3");
    const again = await pipeline.run("text of doc-3");
    expect(reranker.calls).toEqual([20]);
    expect(again.hits).toEqual(first.hits);
    expect(first.rerank?.cache).toEqual({ hits: 0, misses: 20 });
    expect(again.rerank?.cache).toEqual({ hits: 20, misses: 0 });
    expect(events.map((event) => event.plan?.cache)).toEqual([
      { hits: 0, misses: 20 },
      { hits: 20, misses: 0 },
    ]);
    await pipeline.run("another query");
    expect(reranker.calls).toEqual([20, 20]);
  });

  it("with a cache, scores a partly cached list by sending only the new pairs", async () => {
    const reranker = countingReranker();
    const cache = new RerankScoreCache(1000);
    const shallow = createPipeline({
      retrievers: [retriever],
      reranker,
      topK: { retrieve: 40, final: 5 },
      rerank: { depth: 10 },
      scoreCache: cache,
    });
    const deep = createPipeline({
      retrievers: [retriever],
      reranker,
      topK: { retrieve: 40, final: 5 },
      rerank: { depth: 30 },
      scoreCache: cache,
    });
    await shallow.run("text of doc-4");
    const result = await deep.run("text of doc-4");
    expect(reranker.calls).toEqual([10, 20]);
    expect(result.rerank?.cache).toEqual({ hits: 10, misses: 20 });
    const uncached = await createPipeline({
      retrievers: [retriever],
      reranker: new WordOverlapReranker(),
      topK: { retrieve: 40, final: 5 },
      rerank: { depth: 30 },
    }).run("text of doc-4");
    expect(result.hits.map((hit) => [hit.id, hit.score])).toEqual(
      uncached.hits.map((hit) => [hit.id, hit.score]),
    );
  });

  it("rejects plans that do not fit the stage sizes, and plans without a reranker", async () => {
    const base = { retrievers: [retriever], topK: { retrieve: 40, final: 5 } };
    const reranker = new WordOverlapReranker();
    await expectErrorCode(
      Promise.resolve().then(() => createPipeline({ ...base, reranker, rerank: { depth: 41 } })),
      "invalid-argument",
    );
    await expectErrorCode(
      Promise.resolve().then(() => createPipeline({ ...base, reranker, rerank: { depth: 3 } })),
      "invalid-argument",
    );
    await expectErrorCode(
      Promise.resolve().then(() =>
        createPipeline({ ...base, reranker, rerank: { latencyBudgetMs: 0 } }),
      ),
      "invalid-argument",
    );
    await expectErrorCode(
      Promise.resolve().then(() =>
        createPipeline({
          ...base,
          reranker,
          rerank: { latencyBudgetMs: 5, minDepth: 30, maxDepth: 20 },
        }),
      ),
      "invalid-argument",
    );
    await expectErrorCode(
      Promise.resolve().then(() => createPipeline({ ...base, rerank: { depth: 10 } })),
      "invalid-argument",
    );
    await expectErrorCode(
      Promise.resolve().then(() =>
        createPipeline({ ...base, reranker, scoreCache: { maxEntries: 0 } }),
      ),
      "invalid-argument",
    );
  });
});
