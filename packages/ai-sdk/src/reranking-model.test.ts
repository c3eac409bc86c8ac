import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { CrossEncoder } from "@hybrid-rag/reranker";
import { rerank } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hybridRag } from "./hybrid-rag-provider.ts";

// The real `rerank()` of `ai` 7 over a generated tiny cross-encoder (the real BERT vocabulary):
// the order and scores must be exactly those of the cross-encoder itself.
let root: string;
let encoder: CrossEncoder;
const settings = { executionProvider: "cpu", intraOpThreads: 1, maxLength: 64 } as const;
const query = "what pulls the tides";
const documents = [
  "the moon pulls the tides twice a day",
  "chess openings for beginners",
  "tides rise and fall with the moon",
  "a recipe for lemon cake",
  "x ".repeat(100),
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ai-sdk-rerank-"));
  await createTinyBertModel(root, {
    kind: "cross-encoder",
    layers: 1,
    hidden: 32,
    heads: 2,
    seed: 11,
  });
  encoder = await CrossEncoder.create({ model: root, ...settings });
}, 60_000);

afterAll(async () => {
  await encoder?.release();
  await rm(root, { recursive: true, force: true });
});

function expectedOrder(logits: Float32Array): Array<{ index: number; score: number }> {
  return Array.from(logits, (score, index) => ({ index, score })).sort(
    (a, b) => b.score - a.score || a.index - b.index,
  );
}

describe("hybridRag.reranking with the AI SDK's rerank()", () => {
  it("ranks a model directory's documents exactly as the cross-encoder scores them", async () => {
    const model = hybridRag.reranking(root, settings);
    try {
      const result = await rerank({ model, query, documents });
      const expected = expectedOrder(await encoder.scorePairs(query, documents));
      expect(result.ranking.map((entry) => entry.originalIndex)).toEqual(
        expected.map((entry) => entry.index),
      );
      expect(result.ranking.map((entry) => entry.score)).toEqual(
        expected.map((entry) => entry.score),
      );
      expect(result.ranking.map((entry) => entry.document)).toEqual(
        expected.map((entry) => documents[entry.index]),
      );
      expect(result.response.modelId).toBe(root);
    } finally {
      await model.release();
    }
  });

  it("keeps topN, maps logits through a sigmoid when asked, and scores on worker threads the same", async () => {
    const model = hybridRag.reranking(root, { ...settings, workers: 1, activation: "sigmoid" });
    try {
      const result = await rerank({ model, query, documents, topN: 2 });
      const expected = expectedOrder(await encoder.scorePairs(query, documents)).slice(0, 2);
      expect(result.ranking).toHaveLength(2);
      expect(result.ranking.map((entry) => entry.originalIndex)).toEqual(
        expected.map((entry) => entry.index),
      );
      for (const [position, entry] of result.ranking.entries()) {
        expect(entry.score).toBeCloseTo(1 / (1 + Math.exp(-expected[position]!.score)), 6);
      }
    } finally {
      await model.release();
    }
  });

  it("shares an already loaded encoder and scores object documents as their JSON text", async () => {
    const model = hybridRag.reranking(encoder, { modelId: "shared" });
    const objects = [
      { title: "cake", body: "lemon" },
      { title: "tides", body: "the moon pulls them" },
    ];
    const result = await rerank({ model, query, documents: objects });
    const logits = await encoder.scorePairs(
      query,
      objects.map((value) => JSON.stringify(value)),
    );
    expect(result.ranking.map((entry) => entry.originalIndex)).toEqual(
      expectedOrder(logits).map((entry) => entry.index),
    );
    expect(result.ranking[0]!.document).toEqual(objects[result.ranking[0]!.originalIndex]);
  });

  it("refuses an over-long passage with truncate NONE instead of cutting it", async () => {
    const model = hybridRag.reranking(encoder, { truncate: "NONE" });
    await expect(rerank({ model, query, documents, maxRetries: 0 })).rejects.toThrow(/token/i);
  });

  it("reports a missing model directory on the call, and retries the load on the next one", async () => {
    const missing = join(root, "not-there");
    const model = hybridRag.reranking(missing, settings);
    await expect(rerank({ model, query, documents, maxRetries: 0 })).rejects.toThrow(/not-there/);
    await expect(rerank({ model, query, documents, maxRetries: 0 })).rejects.toThrow(/not-there/);
  });

  it("refuses an unknown activation with the value", () => {
    expect(() => hybridRag.reranking(root, { activation: "softmax" as never })).toThrow(
      /"softmax"/,
    );
  });
});
