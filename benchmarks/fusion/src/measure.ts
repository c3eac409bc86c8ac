export interface Measurement {
  readonly name: string;
  /** Median time of one call, in milliseconds. */
  readonly medianMs: number;
  readonly p90Ms: number;
}

export interface MeasureOptions {
  /** Calls before measuring (lets the JIT settle). */
  readonly warmupCalls: number;
  /** Samples taken; each is the mean of `callsPerSample` calls (the timer is too coarse for one). */
  readonly samples: number;
  readonly callsPerSample: number;
}

/** Times `run` and returns the median and 90th percentile of per-call time. */
export function measure(name: string, run: () => unknown, options: MeasureOptions): Measurement {
  let sink = 0;
  for (let call = 0; call < options.warmupCalls; call++) sink += keep(run());
  const perCall: number[] = [];
  for (let sample = 0; sample < options.samples; sample++) {
    const start = performance.now();
    for (let call = 0; call < options.callsPerSample; call++) sink += keep(run());
    perCall.push((performance.now() - start) / options.callsPerSample);
  }
  if (sink === -1) console.log("unreachable");
  perCall.sort((a, b) => a - b);
  return {
    name,
    medianMs: quantile(perCall, 0.5),
    p90Ms: quantile(perCall, 0.9),
  };
}

/** Uses the result so the engine cannot drop the call. */
function keep(result: unknown): number {
  return Array.isArray(result) ? result.length : 0;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
