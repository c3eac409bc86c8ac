export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `task` `runs` times after `warmups` unmeasured runs; returns each run's milliseconds. */
export async function timeRuns(
  task: () => Promise<unknown>,
  runs: number,
  warmups: number,
): Promise<number[]> {
  for (let i = 0; i < warmups; i++) await task();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  return times;
}
