export interface Throughput {
  readonly queriesPerSecond: number;
  readonly medianMs: number;
}

/**
 * Runs `search` for every query after a warm-up, `rounds` times; reports the median over the
 * rounds of queries/s and of the median latency.
 */
export function measureQueries(
  queryCount: number,
  search: (query: number) => void,
  rounds = 1,
): Throughput {
  const warmup = Math.min(20, queryCount);
  for (let query = 0; query < warmup; query++) search(query);
  const passes: Throughput[] = [];
  for (let round = 0; round < rounds; round++) {
    const latencies: number[] = [];
    const started = performance.now();
    for (let query = 0; query < queryCount; query++) {
      const before = performance.now();
      search(query);
      latencies.push(performance.now() - before);
    }
    const totalMs = performance.now() - started;
    passes.push({
      queriesPerSecond: queryCount / (totalMs / 1000),
      medianMs: median(latencies),
    });
  }
  return {
    queriesPerSecond: median(passes.map((pass) => pass.queriesPerSecond)),
    medianMs: median(passes.map((pass) => pass.medianMs)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
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
