import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AutoModelForSequenceClassification, AutoTokenizer, env } from "@huggingface/transformers";
import { expectErrorCode, runRerankerContract } from "@hybrid-rag/core/testing";
import { createTinyBertModel, readSciFactSample } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrossEncoder } from "./cross-encoder.ts";
import { createCrossEncoderReranker } from "./cross-encoder-reranker.ts";

let root: string;
let modelDirectory: string;
let encoder: CrossEncoder;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "cross-encoder-"));
  modelDirectory = join(root, "model");
  await createTinyBertModel(modelDirectory, {
    kind: "cross-encoder",
    layers: 2,
    hidden: 32,
    heads: 4,
    seed: 3,
  });
  encoder = await CrossEncoder.create({
    model: modelDirectory,
    executionProvider: "cpu",
    intraOpThreads: 1,
    maxTokensPerBatch: 2048,
  });
  env.allowRemoteModels = false;
  env.localModelPath = root;
});

afterAll(async () => {
  await encoder.release();
  await rm(root, { recursive: true, force: true });
});

describe("CrossEncoder", () => {
  // The README's claim: within the model's length, transformers.js and this package agree to the bit.
  it("matches transformers.js logits on SciFact passages to the bit", {
    timeout: 60_000,
  }, async () => {
    const [query] = await readSciFactSample(1, "queries.jsonl");
    // Passages that fit the model without truncation (transformers.js cuts a pair's final [SEP]).
    const passages = (await readSciFactSample(40))
      .map((document) => document.text)
      .filter((text) => encoder.countTokens(query!.text, text) <= 512)
      .slice(0, 24);
    expect(passages.length).toBeGreaterThan(10);
    const tokenizer = await AutoTokenizer.from_pretrained("model");
    const model = await AutoModelForSequenceClassification.from_pretrained("model", {
      dtype: "fp32",
    });
    const inputs = tokenizer(
      passages.map(() => query!.text),
      { text_pair: passages, padding: true, truncation: true },
    );
    const theirs = (await model(inputs)).logits.data as Float32Array;
    const ours = await encoder.scorePairs(query!.text, passages);
    let worst = 0;
    for (const [index, logit] of ours.entries())
      worst = Math.max(worst, Math.abs(logit - theirs[index]!));
    console.log(
      `cross-encoder parity: ${passages.length} SciFact pairs, max |Δlogit| = ${worst.toExponential(2)}`,
    );
    expect(worst).toBe(0);
    // The scores are not all alike: random weights still tell passages apart.
    expect(new Set([...ours].map((logit) => logit.toFixed(4))).size).toBeGreaterThan(
      passages.length / 2,
    );
  });

  it("scores a pair the same alone or in any batch", async () => {
    const passages = [
      "short one",
      "a considerably longer passage about solar panels and electricity prices",
      "mid length text here",
      "",
    ];
    const all = await encoder.scorePairs("solar", passages);
    for (const [index, passage] of passages.entries()) {
      const [alone] = await encoder.scorePairs("solar", [passage]);
      expect(Math.abs(alone! - all[index]!)).toBeLessThan(1e-5);
    }
    const tinyBatches = await CrossEncoder.create({
      model: encoder.model,
      executionProvider: "cpu",
      maxBatchSize: 1,
      concurrency: 3,
    });
    const again = await tinyBatches.scorePairs("solar", passages);
    for (const [index, logit] of again.entries())
      expect(Math.abs(logit - all[index]!)).toBeLessThan(1e-5);
    await tinyBatches.release();
  });

  describe("tokenizePairs and scoreEncoded", () => {
    const requests = [
      { query: "solar", passages: ["short one", "panels on roofs turn sunlight into power", ""] },
      { query: "how do tides work", passages: ["the moon pulls the oceans", "chess"] },
      { query: "wind", passages: ["turbines", "a long passage about wind farms ".repeat(6)] },
    ];

    it("scores a batch mixing queries exactly as per-query scorePairs does", async () => {
      // One pair per model run on both sides, so every run sees the same input tensor and the
      // logits must agree to the bit; with default budgets they share runs (below).
      const oneByOne = await CrossEncoder.create({
        model: encoder.model,
        executionProvider: "cpu",
        intraOpThreads: 1,
        maxBatchSize: 1,
      });
      const mixed = requests.flatMap(({ query, passages }) =>
        passages.map((passage) => ({ query, passage })),
      );
      // Interleave the queries so input order differs from any grouping by query.
      const interleaved = [...mixed.entries()].sort(([a], [b]) => (a % 3) - (b % 3) || a - b);
      const scores = await oneByOne.scoreEncoded(
        oneByOne.tokenizePairs(interleaved.map(([, pair]) => pair)),
      );
      const perQuery = await Promise.all(
        requests.map(({ query, passages }) => oneByOne.scorePairs(query, passages)),
      );
      const expected = perQuery.flatMap((logits) => [...logits]);
      expect([...scores]).toEqual(interleaved.map(([index]) => expected[index]!));
      const shared = await encoder.scoreEncoded(encoder.tokenizePairs(mixed));
      for (const [index, logit] of shared.entries()) {
        expect(Math.abs(logit - expected[index]!)).toBeLessThan(1e-5);
      }
      await oneByOne.release();
    });

    it("keeps input order whatever the lengths and batch boundaries", async () => {
      const passages = Array.from({ length: 20 }, (_, index) => "word ".repeat((index * 7) % 23));
      const pairs = passages.map((passage, index) => ({ query: `q${index % 4}`, passage }));
      const tiny = await CrossEncoder.create({
        model: encoder.model,
        executionProvider: "cpu",
        maxTokensPerBatch: 64,
        concurrency: 2,
      });
      const batched = await tiny.scoreEncoded(tiny.tokenizePairs(pairs));
      for (const [index, pair] of pairs.entries()) {
        const [alone] = await encoder.scorePairs(pair.query, [pair.passage]);
        expect(Math.abs(batched[index]! - alone!)).toBeLessThan(1e-5);
      }
      await tiny.release();
    });

    it("reports each pair's length before and after truncation", () => {
      const [short, long] = encoder.tokenizePairs([
        { query: "hello world", passage: "solar panels" },
        { query: "query", passage: "electricity ".repeat(700) },
      ]);
      expect(short).toMatchObject({ length: 7, untruncatedLength: 7 });
      expect(short!.ids).toHaveLength(7);
      expect(short!.typeIds).toEqual([0, 0, 0, 0, 1, 1, 1]);
      expect(long).toMatchObject({ length: 512, untruncatedLength: 704 });
    });

    it("with truncate NONE refuses an over-length pair, naming it", () => {
      const pairs = [
        { query: "a", passage: "fine" },
        { query: "b", passage: "electricity ".repeat(700) },
      ];
      expect(() => encoder.tokenizePairs(pairs, { truncate: "NONE" })).toThrow(
        /Passage 1 is 704 tokens with its query, over the model's limit of 512/,
      );
      expect(encoder.tokenizePairs(pairs.slice(0, 1), { truncate: "NONE" })).toHaveLength(1);
    });

    it("rejects inputs that are not pairs of strings or encodings of this model", async () => {
      expect(() =>
        encoder.tokenizePairs([{ query: "q", passage: 3 as unknown as string }]),
      ).toThrow(/passages: input 0 must be a string/);
      await expectErrorCode(
        encoder.scoreEncoded([
          { ids: new Array(600).fill(1), typeIds: [], length: 600, untruncatedLength: 600 },
        ]),
        "invalid-argument",
      );
      await expect(encoder.scoreEncoded([])).resolves.toHaveLength(0);
    });

    it("honours an abort signal before and between model runs", async () => {
      const encoded = encoder.tokenizePairs([{ query: "q", passage: "p" }]);
      await expectErrorCode(
        encoder.scoreEncoded(encoded, { signal: AbortSignal.abort() }),
        "aborted",
      );
      const oneByOne = await CrossEncoder.create({
        model: encoder.model,
        executionProvider: "cpu",
        maxBatchSize: 1,
      });
      const controller = new AbortController();
      const pending = oneByOne.scoreEncoded(
        oneByOne.tokenizePairs(["a", "b c", "d e f"].map((passage) => ({ query: "q", passage }))),
        { signal: controller.signal },
      );
      controller.abort();
      await expectErrorCode(pending, "aborted");
      await oneByOne.release();
    });
  });

  it("counts tokens with special tokens", () => {
    expect(encoder.countTokens("hello world", "solar panels")).toBe(3 + 2 + 2);
  });

  describe("truncation", () => {
    const longPassage = "electricity ".repeat(700);

    it("END cuts over-length passages to the model limit", async () => {
      expect(encoder.countTokens("query", longPassage)).toBe(704);
      const [truncated] = await encoder.scorePairs("query", [longPassage], { truncate: "END" });
      const [fitted] = await encoder.scorePairs("query", ["electricity ".repeat(509)]);
      expect(Math.abs(truncated! - fitted!)).toBeLessThan(1e-5);
    });

    it("NONE rejects an over-length pair, naming the passage", async () => {
      const promise = encoder.scorePairs("query", ["fine", "also fine", longPassage], {
        truncate: "NONE",
      });
      await expectErrorCode(promise, "invalid-argument");
      await expect(promise).rejects.toThrow(/Passage 2 is 704 tokens .* limit of 512/);
    });

    it("rejects an unknown mode", async () => {
      await expectErrorCode(
        encoder.scorePairs("q", ["p"], { truncate: "START" as "END" }),
        "invalid-argument",
      );
    });
  });

  it("honours an abort signal before and between batches", async () => {
    await expectErrorCode(
      encoder.scorePairs("q", ["p"], { signal: AbortSignal.abort() }),
      "aborted",
    );
    const oneByOne = await CrossEncoder.create({
      model: encoder.model,
      executionProvider: "cpu",
      maxBatchSize: 1,
    });
    const controller = new AbortController();
    const pending = oneByOne.scorePairs("q", ["a", "b c", "d e f", "g h i j"], {
      signal: controller.signal,
    });
    controller.abort();
    await expectErrorCode(pending, "aborted");
    await oneByOne.release();
  });

  it("reports the provider it runs on", () => {
    expect(encoder.provider).toBe("cpu");
    expect(encoder.fallbackReason).toBeUndefined();
    expect(encoder.providerReport).toEqual({
      requestedProvider: "cpu",
      provider: "cpu",
      allNodesOnProvider: true,
      fallbackReason: undefined,
    });
  });

  it("scores a list within the token budget in one model run, never re-split", async () => {
    const { maxTokensPerBatch, maxBatchSize } = encoder.batchLimits;
    expect(maxTokensPerBatch).toBe(2048);
    const pairs = encoder.tokenizePairs(
      Array.from({ length: 200 }, () => ({ query: "tides", passage: "the moon pulls the sea" })),
    );
    const longest = Math.max(...pairs.map((pair) => pair.length));
    const fits = Math.min(maxBatchSize, Math.floor(maxTokensPerBatch / longest));
    expect(fits).toBeGreaterThan(20);
    const before = encoder.modelRuns;
    await encoder.scoreEncoded(pairs.slice(0, fits));
    expect(encoder.modelRuns - before).toBe(1);
    await encoder.scoreEncoded(pairs.slice(0, fits + 1));
    expect(encoder.modelRuns - before).toBe(3);
  });

  it("defaults to CPU-sized batches on the CPU", async () => {
    const defaults = await CrossEncoder.create({ model: encoder.model, executionProvider: "cpu" });
    expect(defaults.batchLimits).toEqual({ maxTokensPerBatch: 4096, maxBatchSize: 64 });
    await defaults.release();
  });

  describe("model precision", () => {
    let withFp16: string;

    beforeAll(async () => {
      // The same architecture and seed as the fp32 model, plus onnx/model_fp16.onnx.
      withFp16 = join(root, "with-fp16");
      await createTinyBertModel(withFp16, {
        kind: "cross-encoder",
        layers: 2,
        hidden: 32,
        heads: 4,
        seed: 3,
        fp16: true,
      });
    });

    it("auto keeps the fp32 file on the CPU even when an fp16 file exists", async () => {
      const auto = await CrossEncoder.create({ model: withFp16, executionProvider: "cpu" });
      expect(auto.modelFile).toEqual({
        path: join(withFp16, "onnx", "model.onnx"),
        precision: "fp32",
      });
      await auto.release();
    });

    it("fp16 runs onnx/model_fp16.onnx, or says how to make one", async () => {
      const half = await CrossEncoder.create({
        model: withFp16,
        executionProvider: "cpu",
        precision: "fp16",
      });
      expect(half.modelFile).toEqual({
        path: join(withFp16, "onnx", "model_fp16.onnx"),
        precision: "fp16",
      });
      const passages = [
        "the moon pulls the sea",
        "solar panels on roofs",
        "tides rise twice a day",
      ];
      const halfScores = await half.scorePairs("what causes tides?", passages);
      const fullScores = await encoder.scorePairs("what causes tides?", passages);
      for (const [index, score] of halfScores.entries()) {
        expect(score).toBeCloseTo(fullScores[index]!, 2);
      }
      await half.release();
      const missing = CrossEncoder.create({ model: modelDirectory, precision: "fp16" });
      await expectErrorCode(missing, "not-found");
      await expect(missing).rejects.toThrow(/model_fp16\.onnx, which does not exist\. Convert/);
    });
  });

  it("rejects a maxLength beyond the model's", async () => {
    await expectErrorCode(
      CrossEncoder.create({ model: encoder.model, maxLength: 4096 }),
      "invalid-argument",
    );
  });
});

runRerankerContract({
  name: "ONNX cross-encoder",
  create: () => createCrossEncoderReranker({ crossEncoder: encoder }),
});

describe("createCrossEncoderReranker", () => {
  it("applies sigmoid when asked and keeps raw logits by default", async () => {
    const raw = await createCrossEncoderReranker({ crossEncoder: encoder });
    const sigmoid = await createCrossEncoderReranker({
      crossEncoder: encoder,
      activation: "sigmoid",
      name: "ce-sigmoid",
    });
    const candidates = [
      { id: "a", score: 2, rank: 1, sources: {}, document: { id: "a", text: "solar power" } },
      {
        id: "b",
        score: 1,
        rank: 2,
        sources: {},
        document: { id: "b", text: "chess openings", title: "Games" },
      },
    ];
    const rawHits = await raw.rerank("sun", candidates);
    const sigmoidHits = await sigmoid.rerank("sun", candidates);
    expect(sigmoidHits.map((hit) => hit.id)).toEqual(rawHits.map((hit) => hit.id));
    for (const [index, hit] of sigmoidHits.entries()) {
      expect(hit.score).toBeCloseTo(1 / (1 + Math.exp(-rawHits[index]!.score)), 6);
      expect(hit.rerank?.reranker).toBe("ce-sigmoid");
    }
  });

  it("rejects conflicting or missing model options", async () => {
    await expectErrorCode(
      createCrossEncoderReranker({ crossEncoder: encoder, maxBatchSize: 4 }),
      "invalid-argument",
    );
    await expectErrorCode(createCrossEncoderReranker({}), "invalid-argument");
    await expectErrorCode(
      createCrossEncoderReranker({ crossEncoder: encoder, activation: "softmax" as "none" }),
      "invalid-argument",
    );
  });

  it("loads a model by path", async () => {
    const reranker = await createCrossEncoderReranker({
      model: modelDirectory,
      executionProvider: "cpu",
    });
    expect(reranker.crossEncoder.provider).toBe("cpu");
    await reranker.crossEncoder.release();
  });
});
