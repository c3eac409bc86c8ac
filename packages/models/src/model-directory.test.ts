import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModelDirectory } from "./model-directory.ts";
import { createTinyBertModel } from "./testing/create-tiny-bert-model.ts";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "model-directory-"));
  await createTinyBertModel(join(root, "cross"), {
    kind: "cross-encoder",
    layers: 1,
    hidden: 8,
    maxPositions: 128,
  });
  await createTinyBertModel(join(root, "bi"), {
    kind: "bi-encoder",
    layers: 1,
    hidden: 8,
    pooling: "cls",
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("loadModelDirectory", () => {
  it("reads a cross-encoder directory", async () => {
    const model = await loadModelDirectory(join(root, "cross"));
    expect(model.onnxPath).toBe(join(root, "cross", "onnx", "model.onnx"));
    expect(model.config.architectures).toEqual(["BertForSequenceClassification"]);
    expect(model.maxLength).toBe(128);
    expect(model.sentenceTransformers).toBeUndefined();
    expect(model.revision).toBeUndefined();
  });

  it("reads the sentence-transformers pooling of a bi-encoder", async () => {
    const model = await loadModelDirectory(join(root, "bi"));
    expect(model.sentenceTransformers).toEqual({
      pooling: "cls",
      normalize: true,
      dimension: 8,
      maxSequenceLength: undefined,
    });
  });

  it("caps the length by sentence_bert_config.json", async () => {
    const copy = join(root, "bi-short");
    await cp(join(root, "bi"), copy, { recursive: true });
    await writeFile(
      join(copy, "sentence_bert_config.json"),
      JSON.stringify({ max_seq_length: 64 }),
    );
    expect((await loadModelDirectory(copy)).maxLength).toBe(64);
  });

  it("explains what is missing or broken", async () => {
    await expectErrorCode(loadModelDirectory(join(root, "nowhere", "model")), "not-found");
    await expectErrorCode(
      loadModelDirectory(join(root, "cross"), { onnxFile: "onnx/model_fp16.onnx" }),
      "not-found",
    );
    const broken = join(root, "broken");
    await cp(join(root, "cross"), broken, { recursive: true });
    await writeFile(join(broken, "config.json"), "{ not json");
    await expectErrorCode(loadModelDirectory(broken), "corrupt-data");
    await expectErrorCode(loadModelDirectory(""), "invalid-argument");
  });
});
