import type { Corpus } from "./corpora.ts";
import type { EngineResult, RunSettings } from "./engines.ts";

interface Engine {
  build(): Promise<void>;
  query(text: string): Promise<unknown>;
}

const collect = () => (globalThis as { gc?: () => void }).gc?.();
const usedMemory = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** Index build time, memory growth, then per-query latency after one warm-up pass per round. */
export async function measure(
  name: string,
  corpus: Corpus,
  settings: RunSettings,
  engine: Engine,
): Promise<EngineResult> {
  collect();
  const before = usedMemory();
  const started = performance.now();
  await engine.build();
  const indexMs = performance.now() - started;
  collect();
  const memoryBytes = usedMemory() - before;
  for (let round = 0; round < Math.max(3, settings.rounds / 2); round++) {
    for (const query of corpus.queries) await engine.query(query);
  }
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
  };
}
