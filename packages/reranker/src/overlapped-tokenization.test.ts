import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { createTinyBertModel, readSciFactSample } from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrossEncoder } from "./cross-encoder.ts";

let root: string;
let model: string;
let passages: string[];
let query: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "overlapped-tokenization-"));
  model = (
    await createTinyBertModel(join(root, "model"), {
      kind: "cross-encoder",
      layers: 1,
      hidden: 16,
      heads: 2,
      seed: 5,
    })
  ).directory;
  passages = (await readSciFactSample(45)).map((document) => document.text);
  query = (await readSciFactSample(1, "queries.jsonl"))[0]!.text;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const create = (overlapTokenization: "on" | "off") =>
  CrossEncoder.create({
    model,
    executionProvider: "cpu",
    intraOpThreads: 1,
    overlapTokenization,
    overlapChunkSize: 16,
  });

describe("tokenisation overlapped with inference (worker thread)", () => {
  it("scores a list chunk by chunk exactly as tokenising it all first does", async () => {
    const [overlapped, plain] = await Promise.all([create("on"), create("off")]);
    const fromChunks = await overlapped.scorePairs(query, passages);
    const fromAll = await plain.scorePairs(query, passages);
    expect(fromChunks.length).toBe(45);
    // Same tokens (the worker loads the same tokenizer.json); batches differ, so padding may
    // move a score by float rounding only.
    for (const [index, score] of fromChunks.entries()) {
      expect(score).toBeCloseTo(fromAll[index]!, 5);
    }
    // Three chunks of at most 16 pairs: at least one model run each.
    expect(overlapped.modelRuns).toBeGreaterThanOrEqual(3);
    await Promise.all([overlapped.release(), plain.release()]);
  }, 60_000);

  it("keeps truncate NONE on the calling thread, refusing an over-length pair by its index", async () => {
    const overlapped = await create("on");
    const long = Array.from({ length: 40 }, (_, index) =>
      index === 37 ? "tide ".repeat(600) : `passage ${index}`,
    );
    const refused = overlapped.scorePairs(query, long, { truncate: "NONE" });
    await expectErrorCode(refused, "invalid-argument");
    await expect(refused).rejects.toThrow(/^Passage 37 is \d+ tokens/);
    await overlapped.release();
  }, 30_000);

  it("stops between chunks when aborted", async () => {
    const overlapped = await create("on");
    const controller = new AbortController();
    controller.abort();
    await expectErrorCode(
      overlapped.scorePairs(query, passages, { signal: controller.signal }),
      "aborted",
    );
    await overlapped.release();
  }, 30_000);
});
