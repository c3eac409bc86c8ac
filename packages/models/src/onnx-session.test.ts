import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createOnnxSession, providerReport } from "./onnx-session.ts";
import { providerLibraryInstalled } from "./provider-libraries.ts";
import { createTinyBertModel } from "./testing/create-tiny-bert-model.ts";

let root: string;
let modelPath: string;

// Where onnxruntime-node has no CUDA libraries (its install script never ran), asking for CUDA
// exercises the real "GPU requested but unavailable" path. `listSupportedBackends()` cannot tell
// (it says `cuda bundled: false` even once installed): the guard looks for the files.
const cudaInstalled = providerLibraryInstalled("cuda");

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
    expect(providerReport(session)).toEqual({
      requestedProvider: "cpu",
      provider: "cpu",
      allNodesOnProvider: true,
      fallbackReason: undefined,
    });
    expect(session.inputNames).toEqual(["input_ids", "attention_mask", "token_type_ids"]);
    await session.release();
  });

  describe.skipIf(cudaInstalled)("when CUDA is requested but not installed", () => {
    it("fails at once with unavailable, naming the install command, without asking onnxruntime", async () => {
      const create = vi.spyOn(ort.InferenceSession, "create");
      try {
        const promise = createOnnxSession(modelPath, { executionProvider: "cuda" });
        await expectErrorCode(promise, "unavailable");
        await expect(promise).rejects.toThrow(
          /"cuda" was requested but could not load \(cuda: not installed \(libonnxruntime_providers_shared\.so, libonnxruntime_providers_cuda\.so missing in .+\)\)\. Install .*`npx hybrid-rag-gpu install`.*onProviderUnavailable/,
        );
        expect(create).not.toHaveBeenCalled();
      } finally {
        create.mockRestore();
      }
    }, 1000); // The acceptance bound: "provider: cuda fails within a second".

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

    it("auto reports CPU and why CUDA was not used, and warns once per process", async () => {
      const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
      const first = await createOnnxSession(modelPath);
      const second = await createOnnxSession(modelPath);
      expect(providerReport(first)).toEqual({
        requestedProvider: "auto",
        provider: "cpu",
        allNodesOnProvider: true,
        fallbackReason: expect.stringMatching(/^cuda: not installed/),
      });
      expect(second.provider).toBe("cpu");
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/executionProvider "auto" runs on the CPU \(cuda: not installed/),
        { type: "HybridRagWarning", code: "HYBRID_RAG_AUTO_ON_CPU" },
      );
      warn.mockRestore();
      await Promise.all([first.release(), second.release()]);
    });
  });

  it("runs on WebGPU or fails saying why and what WebGPU needs", async () => {
    const attempt = createOnnxSession(modelPath, { executionProvider: "webgpu" });
    const session = await attempt.catch((error: unknown) => error);
    if (session instanceof Error) {
      await expectErrorCode(attempt, "unavailable");
      // On a machine without a GPU adapter: the adapter error, then the remedy.
      expect(session.message).toMatch(
        /"webgpu" was requested but could not load \(webgpu: .+\)\. WebGPU in Node needs a GPU adapter: .*Vulkan/,
      );
    } else {
      const loaded = session as Awaited<typeof attempt>;
      expect(loaded.provider).toBe("webgpu");
      expect(loaded.requestedProvider).toBe("webgpu");
      await loaded.release();
    }
  });

  it("rejects unknown providers and bad thread counts", async () => {
    await expectErrorCode(
      createOnnxSession(modelPath, { executionProvider: "gpu" as "cuda" }),
      "invalid-argument",
    );
    await expectErrorCode(createOnnxSession(modelPath, { intraOpThreads: -1 }), "invalid-argument");
    await expectErrorCode(
      createOnnxSession(modelPath, { onCpuNodes: "ignore" as "report" }),
      "invalid-argument",
    );
  });

  it("reports a broken model file as corrupt-data", async () => {
    const broken = join(root, "broken.onnx");
    await writeFile(broken, "not a model");
    await expectErrorCode(createOnnxSession(broken, { executionProvider: "cpu" }), "corrupt-data");
  });
});
