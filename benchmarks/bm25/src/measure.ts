import type { Document } from "@hybrid-rag/core";
import type { Corpus } from "./corpora.ts";
import type { EngineResult, RunSettings } from "./engines.ts";
import { warmUp } from "./warm-up.ts";

interface Engine {
  build(documents: readonly Document[]): Promise<void>;
  query(text: string): Promise<unknown>;
}

/** Two full collections (as the Lucene side calls System.gc() twice) so only live data counts. */
const collect = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run the benchmark with node --expose-gc (pnpm bench does)");
  gc();
  gc();
};
/** Live heap: the V8 heap plus array buffers (typed arrays live outside the V8 heap). */
const usedMemory = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/**
 * Index build time (after a warm-up build); memory = live heap after full GC, after the build minus before it (the
 * documents already exist before the build); then per-query latency after the warm-up policy.
 */
export async function measure(
  name: string,
  corpus: Corpus,
  settings: RunSettings,
  engine: Engine,
): Promise<EngineResult> {
  // As the Lucene oracle does: a throwaway build of the first 20,000 documents warms the JIT
  // (and leaves compiled code out of the memory growth measured next).
  await engine.build(corpus.documents.slice(0, 20_000));
  await engine.build([]); // drops the throwaway index before the "before" measurement
  collect();
  const before = usedMemory();
  const started = performance.now();
  await engine.build(corpus.documents);
  const indexMs = performance.now() - started;
  collect();
  const memoryBytes = usedMemory() - before;
  const warm = await warmUp(async () => {
    const start = performance.now();
    for (const query of corpus.queries) await engine.query(query);
    return performance.now() - start;
  });
  const latencies: number[] = [];
  const all = performance.now();
  for (let round = 0; round < settings.rounds; round++) {
    for (const query of corpus.queries) {
      const start = performance.now();
      await engine.query(query);
      latencies.push(performance.now() - start);
    }
  }
  const totalMs = performance.now() - all;
  latencies.sort((a, b) => a - b);
  return {
    engine: name,
    indexMs,
    p50Ms: latencies[Math.floor(latencies.length / 2)]!,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!,
    queriesPerSecond: (latencies.length / totalMs) * 1000,
    memoryBytes,
    warmUpPasses: warm.passes,
    warmUpStable: warm.stable,
  };
}
