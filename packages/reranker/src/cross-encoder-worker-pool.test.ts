import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hit } from "@hybrid-rag/core";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrossEncoder } from "./cross-encoder.ts";
import { CrossEncoderWorkerPool } from "./cross-encoder-worker-pool.ts";
import { createWorkerPoolReranker } from "./worker-pool-reranker.ts";

let root: string;
let encoder: CrossEncoder;
let pool: CrossEncoderWorkerPool;
const settings = { executionProvider: "cpu", intraOpThreads: 1, maxLength: 32 } as const;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "cross-encoder-pool-"));
  await createTinyBertModel(root, {
    kind: "cross-encoder",
    layers: 1,
    hidden: 32,
    heads: 2,
    seed: 5,
  });
  encoder = await CrossEncoder.create({ model: root, ...settings });
  pool = await CrossEncoderWorkerPool.create({ model: root, ...settings, workers: 2 });
}, 60_000);

afterAll(async () => {
  await pool?.release();
  await encoder?.release();
  await rm(root, { recursive: true, force: true });
});

const passages = ["the sun is a star", "tides follow the moon", "chess openings", "x ".repeat(80)];

describe("CrossEncoderWorkerPool", () => {
  it("tokenises and scores in workers exactly as the in-process encoder does", async () => {
    expect(pool.size).toBe(2);
    expect(pool.maxLength).toBe(32);
    expect(pool.provider).toBe("cpu");
    const pairs = passages.map((passage) => ({ query: "what is the sun", passage }));
    const theirs = encoder.tokenizePairs(pairs);
    const ours = await pool.tokenizePairs(pairs);
    expect(ours).toEqual(theirs);
    const expected = await encoder.scoreEncoded(theirs);
    expect(Array.from(await pool.scoreEncoded(ours))).toEqual(Array.from(expected));
    expect(Array.from(await pool.scorePairs("what is the sun", passages))).toEqual(
      Array.from(expected),
    );
  });

  it("reports the provider and model file its workers really run, as the in-process encoder does", () => {
    expect(pool.providerReport).toEqual(encoder.providerReport);
    expect(pool.providerReport).toMatchObject({ requestedProvider: "cpu", provider: "cpu" });
    expect(pool.modelFile).toEqual(encoder.modelFile);
  });

  it("cuts each passage to its maxPassageTokens in the workers too (Cohere's max_tokens_per_doc)", async () => {
    const pairs = passages.map((passage) => ({
      query: "what is the sun",
      passage,
      maxPassageTokens: 2,
    }));
    const ours = await pool.tokenizePairs(pairs);
    expect(ours).toEqual(encoder.tokenizePairs(pairs));
    expect(ours[3]!.length).toBeLessThan(
      encoder.tokenizePairs([{ ...pairs[3]!, maxPassageTokens: 30 }])[0]!.length,
    );
  });

  it("passes a worker's HybridRagError through with its code and details", async () => {
    const failure = await pool
      .tokenizePairs([{ query: "q", passage: "x ".repeat(80) }], { truncate: "NONE" })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "invalid-argument", details: { index: 0 } });
    expect((failure as Error).message).toMatch(/truncate is "NONE"/);
  });

  it("rejects at once when the signal fires, and keeps serving", async () => {
    const controller = new AbortController();
    const scoring = pool.scorePairs("q", passages, { signal: controller.signal });
    controller.abort();
    await expect(scoring).rejects.toMatchObject({ code: "aborted" });
    expect((await pool.scorePairs("q", passages)).length).toBe(passages.length);
  });

  it("fails tasks in flight with unavailable when released, and refuses new ones", {
    timeout: 30_000,
  }, async () => {
    const lonely = await CrossEncoderWorkerPool.create({ model: root, ...settings });
    expect(lonely.size).toBe(1);
    const inFlight = lonely.scorePairs("q", passages).catch((error: unknown) => error);
    await lonely.release();
    expect(await inFlight).toMatchObject({ code: "unavailable" });
    await expect(lonely.scorePairs("q", passages)).rejects.toMatchObject({ code: "unavailable" });
  });

  it("refuses a model it cannot load with the loader's error", { timeout: 30_000 }, async () => {
    await expect(
      CrossEncoderWorkerPool.create({ model: join(root, "missing"), ...settings }),
    ).rejects.toMatchObject({ code: "not-found" });
    await expect(CrossEncoderWorkerPool.create({ model: root, workers: 0 })).rejects.toMatchObject({
      code: "invalid-argument",
    });
  });
});

describe("createWorkerPoolReranker", () => {
  it("reranks candidates with the pool's scores", async () => {
    const reranker = await createWorkerPoolReranker({ workerPool: pool, activation: "sigmoid" });
    const candidates: Hit[] = passages.map((text, index) => ({
      id: `d${index}`,
      score: 1,
      rank: index + 1,
      document: { id: `d${index}`, text },
      sources: {},
    }));
    const reranked = await reranker.rerank("what is the sun", candidates, { topN: 2 });
    const logits = await encoder.scorePairs("what is the sun", passages);
    const best = Array.from(logits)
      .map((logit, index) => ({ logit, index }))
      .sort((a, b) => b.logit - a.logit || a.index - b.index)
      .slice(0, 2);
    expect(reranked.map((hit) => hit.id)).toEqual(best.map(({ index }) => `d${index}`));
    expect(reranked[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-best[0]!.logit)), 6);
  });
});
