import { expectErrorCode } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import {
  chooseCudaMajor,
  installableCudaMajors,
  parseDriverCudaVersion,
  parseLddMissing,
} from "./cuda-runtime.ts";

describe("CUDA install helpers", () => {
  it("reads the CUDA majors onnxruntime-node's installer offers", () => {
    expect(installableCudaMajors("linux/x64")).toEqual([12]);
    expect(installableCudaMajors("darwin/arm64")).toEqual([]);
  });

  it("reads the driver's CUDA version from nvidia-smi", () => {
    const header =
      "| NVIDIA-SMI 580.95.05   Driver Version: 580.95.05      CUDA Version: 13.0     |";
    expect(parseDriverCudaVersion(header)).toBe(13);
    expect(parseDriverCudaVersion("CUDA Version: 12.8")).toBeCloseTo(12.8);
    expect(parseDriverCudaVersion("command not found")).toBeUndefined();
  });

  it("picks the newest CUDA the driver runs, or refuses with the reason", () => {
    expect(chooseCudaMajor([13, 12], 13)).toBe(13);
    expect(chooseCudaMajor([12], 13)).toBe(12); // a CUDA 13 driver runs CUDA 12 libraries
    expect(chooseCudaMajor([13, 12], 12.8)).toBe(12);
    expect(chooseCudaMajor([12], undefined)).toBe(12); // no driver here (a Docker build)
    expect(chooseCudaMajor([12], 13, 12)).toBe(12);
    expect(() => chooseCudaMajor([12], 11.8)).toThrow(/runs CUDA up to 11.8.*update the driver/);
    expect(() => chooseCudaMajor([12], 13, 13)).toThrow(/offers CUDA 12 on this platform, not 13/);
  });

  it("lists exactly the libraries ldd cannot find", async () => {
    const ldd = [
      "\tlinux-vdso.so.1 (0x00007ffd)",
      "\tlibcublasLt.so.12 => not found",
      "\tlibcudart.so.12 => not found",
      "\tlibonnxruntime_providers_shared.so => /opt/ort/libonnxruntime_providers_shared.so (0x0)",
      "\tlibcudnn.so.9 => not found",
      "\tlibcudart.so.12 => not found",
    ].join("\n");
    expect(parseLddMissing(ldd)).toEqual(["libcublasLt.so.12", "libcudart.so.12", "libcudnn.so.9"]);
    await expectErrorCode(
      Promise.resolve().then(() => chooseCudaMajor([], undefined)),
      "unavailable",
    );
  });
});
