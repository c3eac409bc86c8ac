import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { createOnnxSession } from "../onnx-session.ts";
import { writeRouteCheckModel } from "./route-check-model.ts";

describe("the GPU route-check model", () => {
  it("opens on the CPU and computes Relu(input · weight + bias)", async () => {
    const folder = await mkdtemp(join(tmpdir(), "route-check-"));
    try {
      const session = await createOnnxSession(await writeRouteCheckModel(folder), {
        executionProvider: "cpu",
      });
      expect(session.inputNames).toEqual(["input"]);
      const input = new ort.Tensor("float32", Float32Array.from([0, 0, 0, 1]), [1, 4]);
      const { output } = await session.session.run({ input });
      expect(Array.from(output!.data as Float32Array)).toEqual([0.5, 0.5625, 0.625, 0.6875]);
      await session.release();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
