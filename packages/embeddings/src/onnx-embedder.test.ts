import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, pipeline } from "@huggingface/transformers";
import { expectErrorCode, runEmbedderContract } from "@hybrid-rag/core/testing";
import { createTinyBertModel, readSciFactSample } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOnnxEmbedder, type OnnxEmbedder } from "./onnx-embedder.ts";

let root: string;
let meanModel: string;
let clsModel: string;
let embedder: OnnxEmbedder;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "onnx-embedder-"));
  meanModel = join(root, "mean");
  clsModel = join(root, "cls");
  await createTinyBertModel(meanModel, {
    kind: "bi-encoder",
    layers: 2,
    hidden: 32,
    heads: 4,
    seed: 5,
  });
  await createTinyBertModel(clsModel, {
    kind: "bi-encoder",
    layers: 2,
    hidden: 32,
    heads: 4,
    seed: 6,
    pooling: "cls",
  });
  embedder = await createOnnxEmbedder({
    model: meanModel,
    executionProvider: "cpu",
    intraOpThreads: 1,
  });
  env.allowRemoteModels = false;
  env.localModelPath = root;
});

afterAll(async () => {
  await embedder.release();
  await rm(root, { recursive: true, force: true });
});

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe("createOnnxEmbedder", () => {
  it("reads pooling and normalisation from the sentence-transformers config", () => {
    expect(embedder.dimension).toBe(32);
    expect(embedder.pooling).toBe("mean");
    expect(embedder.normalize).toBe(true);
    expect(embedder.provider).toBe("cpu");
  });

  it.each([
    ["mean", () => meanModel],
    ["cls", () => clsModel],
  ] as const)(
    "matches transformers.js %s pooling within 1e-4 on SciFact texts",
    async (pooling, directory) => {
      const texts = (await readSciFactSample(16)).map((document) => document.text.slice(0, 600));
      const ours = await createOnnxEmbedder({ model: directory(), executionProvider: "cpu" });
      expect(ours.pooling).toBe(pooling);
      const extractor = await pipeline("feature-extraction", pooling, { dtype: "fp32" });
      const theirs = await extractor(texts, { pooling, normalize: true });
      const vectors = await ours.embedPassages(texts);
      let worst = 0;
      for (const [index, vector] of vectors.entries()) {
        worst = Math.max(
          worst,
          maxDifference(
            vector,
            (theirs.data as Float32Array).subarray(index * 32, (index + 1) * 32),
          ),
        );
      }
      console.log(
        `bi-encoder ${pooling} parity: ${texts.length} SciFact texts, max |Δ| = ${worst.toExponential(2)}`,
      );
      expect(worst).toBeLessThan(1e-4);
      await ours.release();
    },
  );

  it("applies query and passage prefixes", async () => {
    const e5 = await createOnnxEmbedder({
      model: embedder.model,
      executionProvider: "cpu",
      prefixes: "e5",
    });
    const [query] = await e5.embedQueries(["solar power"]);
    const [passage] = await e5.embedPassages(["solar power"]);
    const [plainQuery, plainPassage] = await embedder.embedPassages([
      "query: solar power",
      "passage: solar power",
    ]);
    expect(maxDifference(query!, plainQuery!)).toBeLessThan(1e-5);
    expect(maxDifference(passage!, plainPassage!)).toBeLessThan(1e-5);
    const bge = await createOnnxEmbedder({
      model: embedder.model,
      executionProvider: "cpu",
      prefixes: "bge",
    });
    const [bgeQuery] = await bge.embedQueries(["solar power"]);
    const [instructed] = await embedder.embedPassages([
      "Represent this sentence for searching relevant passages: solar power",
    ]);
    expect(maxDifference(bgeQuery!, instructed!)).toBeLessThan(1e-5);
    await Promise.all([e5.release(), bge.release()]);
  });

  it("overrides pooling and normalisation on request", async () => {
    const raw = await createOnnxEmbedder({
      model: embedder.model,
      executionProvider: "cpu",
      normalize: false,
      pooling: "max",
    });
    const [vector] = await raw.embedPassages(["a fairly ordinary sentence"]);
    expect(Math.hypot(...vector!)).not.toBeCloseTo(1, 3);
    await raw.release();
  });

  it("truncates long texts at the model's limit and batches by token budget", async () => {
    const small = await createOnnxEmbedder({
      model: embedder.model,
      executionProvider: "cpu",
      maxTokensPerBatch: 64,
      maxLength: 16,
    });
    const long = "electricity ".repeat(100);
    const [cut] = await small.embedPassages([long]);
    const [fitted] = await small.embedPassages(["electricity ".repeat(14)]);
    expect(maxDifference(cut!, fitted!)).toBeLessThan(1e-5);
    const texts = Array.from({ length: 20 }, (_, index) => "word ".repeat(index + 1));
    const batched = await small.embedPassages(texts);
    const single = await Promise.all(
      texts.map(async (text) => (await small.embedPassages([text]))[0]!),
    );
    for (const [index, vector] of batched.entries())
      expect(maxDifference(vector, single[index]!)).toBeLessThan(1e-5);
    await small.release();
  });

  it("rejects bad options", async () => {
    await expectErrorCode(
      createOnnxEmbedder({ model: embedder.model, maxLength: 10_000 }),
      "invalid-argument",
    );
    await expectErrorCode(
      createOnnxEmbedder({ model: embedder.model, prefixes: "e6" as "e5" }),
      "invalid-argument",
    );
    await expectErrorCode(
      createOnnxEmbedder({ model: embedder.model, executionProvider: "cuda" }),
      "unavailable",
    );
  });
});

runEmbedderContract({ name: "ONNX bi-encoder", create: async () => embedder });
