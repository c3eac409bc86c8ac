export interface Timing {
  /** Wall-clock milliseconds. */
  readonly wallMs: number;
  /** CPU milliseconds this process used (user + system, all threads). */
  readonly cpuMs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function timeOnce(task: () => Promise<unknown>): Promise<Timing> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await task();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * Times each task `runs` times, interleaved (a, b, c, a, b, c, …) so that load from other
 * processes on a shared machine falls on every contender alike.
 */
export async function timeInterleaved(
  tasks: readonly (() => Promise<unknown>)[],
  runs: number,
): Promise<Timing[][]> {
  const timings: Timing[][] = tasks.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, task] of tasks.entries()) timings[index]!.push(await timeOnce(task));
  }
  return timings;
}

export function summarize(timings: readonly Timing[]): Timing {
  return {
    wallMs: median(timings.map((timing) => timing.wallMs)),
    cpuMs: median(timings.map((timing) => timing.cpuMs)),
  };
}
