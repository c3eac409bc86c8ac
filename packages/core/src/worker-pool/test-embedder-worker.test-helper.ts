import { setTimeout as sleep } from "node:timers/promises";
import type { Embedder, EmbedOptions } from "../embedder.ts";
import { HybridRagError } from "../errors.ts";
import { HashingEmbedder } from "../testing/hashing-embedder.ts";
import { serveEmbedderWorker } from "./serve-embedder-worker.ts";

/** Start data of the test worker: a hashing embedder, optionally slow or failing. */
export interface TestWorkerStart {
  readonly dimension: number;
  readonly delayMs?: number;
  readonly failLoad?: boolean;
}

// A worker for the pool's tests: the hashing embedder (deterministic, no model) behind the real
// worker protocol; the text "fail" makes a task fail with the embedder's own error.
await serveEmbedderWorker<TestWorkerStart>("test embedder", async (start) => {
  if (start.failLoad) {
    throw new HybridRagError("not-found", "test embedder: no model at /nowhere.", {
      details: { path: "/nowhere" },
    });
  }
  const hashing = new HashingEmbedder(start.dimension);
  const embed = async (texts: readonly string[], options?: EmbedOptions) => {
    const failing = texts.indexOf("fail");
    if (failing >= 0) {
      throw new HybridRagError("invalid-argument", "test embedder: the text is 'fail'.", {
        details: { index: failing },
      });
    }
    if (start.delayMs) await sleep(start.delayMs);
    return hashing.embedPassages(texts, options);
  };
  const embedder: Embedder = {
    name: hashing.name,
    dimension: hashing.dimension,
    embedQueries: embed,
    embedPassages: embed,
  };
  return { embedder, details: { delayMs: start.delayMs ?? 0 } };
});
