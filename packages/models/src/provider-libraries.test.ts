import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  missingProviderLibraries,
  onnxRuntimeBinaryDirectory,
  providerLibraryInstalled,
} from "./provider-libraries.ts";

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "provider-libraries-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("the CUDA provider guard", () => {
  it("reports CUDA missing in a folder without its libraries", () => {
    expect(providerLibraryInstalled("cuda", directory, "linux")).toBe(false);
    expect(missingProviderLibraries("cuda", directory, "linux")).toEqual([
      "libonnxruntime_providers_shared.so",
      "libonnxruntime_providers_cuda.so",
    ]);
  });

  it("detects CUDA once both libraries are in the folder", async () => {
    await writeFile(join(directory, "libonnxruntime_providers_cuda.so"), "");
    expect(missingProviderLibraries("cuda", directory, "linux")).toEqual([
      "libonnxruntime_providers_shared.so",
    ]);
    await writeFile(join(directory, "libonnxruntime_providers_shared.so"), "");
    expect(providerLibraryInstalled("cuda", directory, "linux")).toBe(true);
    // TensorRT needs its own library on top of CUDA's.
    expect(missingProviderLibraries("tensorrt", directory, "linux")).toEqual([
      "libonnxruntime_providers_tensorrt.so",
    ]);
  });

  it("never reports CPU or WebGPU missing: they are linked into the binding", () => {
    expect(providerLibraryInstalled("cpu", directory, "linux")).toBe(true);
    expect(providerLibraryInstalled("webgpu", directory, "linux")).toBe(true);
  });

  it("looks in onnxruntime-node's binary folder by default", () => {
    expect(onnxRuntimeBinaryDirectory()).toMatch(/onnxruntime-node[/\\]bin[/\\]napi-v6[/\\]/);
  });
});
