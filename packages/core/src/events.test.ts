import { describe, expect, it } from "vitest";
import { HybridRagEmitter, type IndexProgressEvent } from "./events.ts";

describe("HybridRagEmitter", () => {
  it("delivers typed events to listeners", () => {
    const emitter = new HybridRagEmitter();
    const seen: IndexProgressEvent[] = [];
    emitter.on("index-progress", (event) => seen.push(event));
    emitter.emit("index-progress", {
      index: "bm25",
      done: 5,
      total: 10,
      failed: 0,
      elapsedMs: 1.5,
    });
    expect(seen).toEqual([{ index: "bm25", done: 5, total: 10, failed: 0, elapsedMs: 1.5 }]);
  });
});
