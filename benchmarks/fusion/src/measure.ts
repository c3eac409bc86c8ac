export interface Measurement {
  readonly name: string;
  /** Median time of one call, in milliseconds. */
  readonly medianMs: number;
  /** 10th percentile: close to the cost on a quiet machine. */
  readonly p10Ms: number;
  readonly p90Ms: number;
}

export interface MeasureOptions {
  /** Calls of each candidate before measuring (lets the JIT settle). */
  readonly warmupCalls: number;
  /** Rounds; each round takes one sample of every candidate, so load spikes hit all alike. */
  readonly rounds: number;
  /** Calls per sample; a sample is their mean (the timer is too coarse for one call). */
  readonly callsPerSample: number;
}

export interface Candidate {
  readonly name: string;
  readonly run: () => unknown;
}

/** Times the candidates in interleaved rounds and returns per-call quantiles for each. */
export function measureInterleaved(
  candidates: readonly Candidate[],
  options: MeasureOptions,
): Measurement[] {
  let sink = 0;
  for (const candidate of candidates) {
    for (let call = 0; call < options.warmupCalls; call++) sink += keep(candidate.run());
  }
  const samples = candidates.map(() => [] as number[]);
  for (let round = 0; round < options.rounds; round++) {
    candidates.forEach((candidate, index) => {
      const start = performance.now();
      for (let call = 0; call < options.callsPerSample; call++) sink += keep(candidate.run());
      samples[index]!.push((performance.now() - start) / options.callsPerSample);
    });
  }
  if (sink === -1) console.log("unreachable");
  return candidates.map((candidate, index) => {
    const sorted = samples[index]!.sort((a, b) => a - b);
    return {
      name: candidate.name,
      medianMs: quantile(sorted, 0.5),
      p10Ms: quantile(sorted, 0.1),
      p90Ms: quantile(sorted, 0.9),
    };
  });
}

/** Uses the result so the engine cannot drop the call. */
function keep(result: unknown): number {
  return Array.isArray(result) ? result.length : 0;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
