export interface Throughput {
  readonly queriesPerSecond: number;
  readonly medianMs: number;
}

/** Runs `search` for every query after a warm-up; reports queries/s and the median latency. */
export function measureQueries(queryCount: number, search: (query: number) => void): Throughput {
  const warmup = Math.min(20, queryCount);
  for (let query = 0; query < warmup; query++) search(query);
  const latencies: number[] = [];
  const started = performance.now();
  for (let query = 0; query < queryCount; query++) {
    const before = performance.now();
    search(query);
    latencies.push(performance.now() - before);
  }
  const totalMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    queriesPerSecond: queryCount / (totalMs / 1000),
    medianMs: latencies[Math.floor(latencies.length / 2)]!,
  };
}

/** Fraction of the exact top-k ids an approximate search found, averaged over queries. */
export function recallAtK(exact: readonly number[][], approximate: readonly number[][]): number {
  let sum = 0;
  exact.forEach((truth, query) => {
    const found = new Set(approximate[query]);
    sum += truth.filter((id) => found.has(id)).length / Math.max(1, truth.length);
  });
  return sum / Math.max(1, exact.length);
}
