import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createOnnxSession } from "./onnx-session.ts";
import { createTinyBertModel } from "./testing/create-tiny-bert-model.ts";

let root: string;
let modelPath: string;

// This suite runs where onnxruntime-node has no CUDA libraries (its install script never ran),
// so asking for CUDA exercises the real "GPU requested but unavailable" path.
const cudaInstalled = ort
  .listSupportedBackends()
  .some((backend) => backend.name === "cuda" && backend.bundled);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "onnx-session-"));
  modelPath = (
    await createTinyBertModel(join(root, "model"), { kind: "cross-encoder", layers: 1, hidden: 8 })
  ).modelPath;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("createOnnxSession", () => {
  it("runs on CPU and says so", async () => {
    const session = await createOnnxSession(modelPath, {
      executionProvider: "cpu",
      intraOpThreads: 1,
      graphOptimizationLevel: "basic",
    });
    expect(session.provider).toBe("cpu");
    expect(session.fallbackReason).toBeUndefined();
    expect(session.inputNames).toEqual(["input_ids", "attention_mask", "token_type_ids"]);
    await session.release();
  });

  describe.skipIf(cudaInstalled)("when CUDA is requested but not installed", () => {
    it("fails with unavailable by default, naming the provider and the fix", async () => {
      const promise = createOnnxSession(modelPath, { executionProvider: "cuda" });
      await expectErrorCode(promise, "unavailable");
      await expect(promise).rejects.toThrow(
        /"cuda" was requested but could not load.*onProviderUnavailable/,
      );
    });

    it("falls back loudly with onProviderUnavailable: warn", async () => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      const session = await createOnnxSession(modelPath, {
        executionProvider: "cuda",
        onProviderUnavailable: "warn",
      });
      expect(session.provider).toBe("cpu");
      expect(session.fallbackReason).toMatch(/cuda could not load/);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/WARNING: execution provider "cuda" unavailable/),
      );
      warn.mockRestore();
      await session.release();
    });

    it("treats TensorRT the same way", async () => {
      await expectErrorCode(
        createOnnxSession(modelPath, { executionProvider: "tensorrt" }),
        "unavailable",
      );
    });

    it("auto reports CPU and why CUDA was not used", async () => {
      const session = await createOnnxSession(modelPath);
      expect(session.provider).toBe("cpu");
      expect(session.fallbackReason).toMatch(/^cuda: /);
      await session.release();
    });
  });

  it("rejects unknown providers and bad thread counts", async () => {
    await expectErrorCode(
      createOnnxSession(modelPath, { executionProvider: "gpu" as "cuda" }),
      "invalid-argument",
    );
    await expectErrorCode(createOnnxSession(modelPath, { intraOpThreads: -1 }), "invalid-argument");
  });

  it("reports a broken model file as corrupt-data", async () => {
    const broken = join(root, "broken.onnx");
    await writeFile(broken, "not a model");
    await expectErrorCode(createOnnxSession(broken, { executionProvider: "cpu" }), "corrupt-data");
  });
});
