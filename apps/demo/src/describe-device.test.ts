import { describe, expect, it } from "vitest";
import { describeDevice } from "./describe-device.ts";

describe("describeDevice", () => {
  it("names the provider in use, and says when a GPU request fell back", () => {
    expect(describeDevice({ provider: "cpu", fallbackReason: undefined })).toBe("CPU");
    expect(describeDevice({ provider: "cuda", fallbackReason: undefined })).toBe("CUDA GPU");
    expect(
      describeDevice({ provider: "webgpu", fallbackReason: undefined, allNodesOnProvider: false }),
    ).toBe("WebGPU, some nodes on the CPU");
    expect(describeDevice({ provider: "cpu", fallbackReason: "cuda: not installed" })).toBe(
      "CPU: no GPU provider loaded",
    );
  });
});
