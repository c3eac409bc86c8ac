import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEmbedderContract } from "../testing/embedder-contract.ts";
import { HashingEmbedder } from "../testing/hashing-embedder.ts";
import { EmbedderWorkerPool } from "./embedder-worker-pool.ts";
import { siblingModuleUrl } from "./sibling-module-url.ts";
import type { TestWorkerStart } from "./test-embedder-worker.test-helper.ts";

const workerUrl = siblingModuleUrl("test-embedder-worker.test-helper", import.meta.url);
const start = (
  options: Partial<TestWorkerStart> & {
    workers?: number;
    tasksPerWorker?: number;
    textsPerTask?: number;
  } = {},
) => {
  const { workers = 2, tasksPerWorker, textsPerTask = 3, ...rest } = options;
  return EmbedderWorkerPool.start<TestWorkerStart>({
    label: "test embedder",
    workerUrl,
    start: { dimension: 16, ...rest },
    workers,
    textsPerTask,
    charactersPerTask: 64,
    ...(tasksPerWorker !== undefined ? { tasksPerWorker } : {}),
  });
};

let pool: EmbedderWorkerPool;
beforeAll(async () => {
  pool = await start();
}, 30_000);
afterAll(() => pool?.release());

runEmbedderContract({ name: "EmbedderWorkerPool", create: () => Promise.resolve(pool) });

const texts = Array.from({ length: 23 }, (_, index) =>
  index % 5 === 0 ? "" : `text ${index} ${"word ".repeat((index * 7) % 19)}`,
);

describe("EmbedderWorkerPool", () => {
  it("returns the in-process embedder's vectors, in input order, over several tasks", async () => {
    const expected = await new HashingEmbedder(16).embedPassages(texts);
    const vectors = await pool.embedPassages(texts);
    expect(vectors.map((vector) => Array.from(vector))).toEqual(
      expected.map((vector) => Array.from(vector)),
    );
    expect(await pool.embedQueries([])).toEqual([]);
    expect(pool).toMatchObject({ name: "hashing", dimension: 16, workers: 2 });
    expect(pool.details).toEqual({ delayMs: 0 });
  });

  it("keeps at most workers × tasksPerWorker tasks in flight (bounded queue)", async () => {
    const slow = await start({ delayMs: 20, tasksPerWorker: 1, textsPerTask: 1 });
    let most = 0;
    const sampler = setInterval(() => {
      most = Math.max(most, slow.inFlight);
    }, 2);
    try {
      const vectors = await slow.embedPassages(texts.slice(0, 12));
      expect(vectors).toHaveLength(12);
    } finally {
      clearInterval(sampler);
      await slow.release();
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
  }, 30_000);

  it("passes a worker's error through with its code and details", async () => {
    const failure = await pool.embedPassages(["a", "fail", "b"]).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "invalid-argument", details: { index: 1 } });
    expect((failure as Error).message).toMatch(/'fail'/);
    expect(await pool.embedPassages(["still serving"])).toHaveLength(1);
  });

  it("refuses a text that is not a string before any worker sees it", async () => {
    await expect(pool.embedPassages(["a", 7 as unknown as string])).rejects.toMatchObject({
      code: "invalid-argument",
      details: { index: 1 },
    });
  });

  it("rejects with aborted when the signal fires", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pool.embedPassages(texts, { signal: controller.signal })).rejects.toMatchObject({
      code: "aborted",
    });
  });

  it("reports the loader's error when a worker cannot load its model", async () => {
    await expect(start({ failLoad: true })).rejects.toMatchObject({
      code: "not-found",
      details: { path: "/nowhere" },
    });
    await expect(start({ workers: 0 })).rejects.toMatchObject({ code: "invalid-argument" });
  }, 30_000);

  it("fails calls after release with unavailable", async () => {
    const lonely = await start({ workers: 1 });
    await lonely.release();
    await expect(lonely.embedPassages(["x"])).rejects.toMatchObject({ code: "unavailable" });
  }, 30_000);
});
