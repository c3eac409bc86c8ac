import { describe, expect, it } from "vitest";
import { demoConfigFromEnvironment } from "./demo-config.ts";
import { buildDenseStage } from "./dense-stage.ts";

describe("dense stage", () => {
  it("turns dense on with USE-lite from npm when no ONNX model is given", {
    timeout: 60_000,
  }, async () => {
    const stage = await buildDenseStage(demoConfigFromEnvironment({}));
    expect("component" in stage).toBe(true);
    expect(stage.description).toContain("use-lite, offline baseline");
    expect(stage.description).toContain("512 dimensions");
    expect(stage.description).toMatch(/\d+ worker threads/);
    if (!("component" in stage)) return;
    try {
      await stage.component.upsert([
        { id: "tides", text: "The Moon's gravity pulls the oceans and causes tides." },
        { id: "bread", text: "Knead the dough and let it rise before baking." },
      ]);
      const hits = await stage.component.retrieve("what causes ocean tides?", { topK: 2 });
      expect(hits[0]?.id).toBe("tides");
    } finally {
      // The embedder's worker threads end with the stage.
      await stage.close?.();
    }
  });
});
