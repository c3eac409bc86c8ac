import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runEmbedderContract } from "@hybrid-rag/core/testing";
import { createTinyBertModel, readSciFactSample } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOnnxEmbedder, type OnnxEmbedder } from "./onnx-embedder.ts";
import { createOnnxEmbedderPool, type OnnxEmbedderPool } from "./onnx-embedder-pool.ts";

let root: string;
let single: OnnxEmbedder;
let pool: OnnxEmbedderPool;
const settings = { executionProvider: "cpu", intraOpThreads: 1, prefixes: "e5" } as const;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "onnx-embedder-pool-"));
  await createTinyBertModel(root, { kind: "bi-encoder", layers: 2, hidden: 32, heads: 4, seed: 9 });
  single = await createOnnxEmbedder({ model: root, ...settings });
  // Small batches so that one call spreads over both workers in several tasks.
  pool = await createOnnxEmbedderPool({ model: root, ...settings, workers: 2, maxBatchSize: 4 });
}, 60_000);

afterAll(async () => {
  await pool?.release();
  await single?.release();
  await rm(root, { recursive: true, force: true });
});

runEmbedderContract({ name: "ONNX embedder pool", create: () => Promise.resolve(pool) });

describe("createOnnxEmbedderPool", () => {
  it("embeds as the in-process embedder does, prefixes included, in input order", async () => {
    const passages = (await readSciFactSample(24)).map((doc) => doc.text);
    expect(pool.workers).toBe(2);
    expect(pool.dimension).toBe(single.dimension);
    expect(pool.details).toMatchObject({ provider: "cpu", pooling: single.pooling });
    for (const side of ["embedPassages", "embedQueries"] as const) {
      const expected = await single[side](passages);
      const vectors = await pool[side](passages);
      expect(vectors).toHaveLength(passages.length);
      // Batches are cut differently (per task), so padding differs: equal to float precision.
      for (const [index, vector] of vectors.entries()) {
        for (const [dimension, value] of vector.entries()) {
          expect(value).toBeCloseTo(expected[index]![dimension]!, 5);
        }
      }
    }
    // Queries and passages differ (e5 prefixes reach the workers).
    const [query] = await pool.embedQueries(["tides"]);
    const [passage] = await pool.embedPassages(["tides"]);
    expect(Array.from(query!)).not.toEqual(Array.from(passage!));
  }, 60_000);

  it("refuses a model it cannot load with the loader's error", async () => {
    await expect(
      createOnnxEmbedderPool({ model: join(root, "missing"), ...settings }),
    ).rejects.toMatchObject({ code: "not-found" });
  });
});
