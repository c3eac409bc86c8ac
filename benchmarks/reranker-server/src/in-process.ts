import type { CrossEncoder } from "@hybrid-rag/reranker";
import type { RankingWorkload } from "./workload.ts";

export interface ThroughputResult {
  readonly requestsPerSecond: number;
  readonly pairsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Pairs per CPU-second of the process doing the work: robust to other load on the machine. */
  readonly pairsPerCpuSecond: number;
}

/**
 * The baseline: `concurrency` callers in this process each send the workloads' requests to
 * `scorePairs` back to back for `durationMs`, as an application using the library would.
 */
export async function measureInProcess(
  crossEncoder: CrossEncoder,
  workloads: readonly RankingWorkload[],
  concurrency: number,
  durationMs: number,
): Promise<ThroughputResult> {
  const latencies: number[] = [];
  let next = 0;
  let pairs = 0;
  const cpuBefore = process.cpuUsage();
  // Calls still queued at the deadline are cancelled and not counted, as autocannon does.
  const signal = AbortSignal.timeout(durationMs);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!signal.aborted) {
        const workload = workloads[next++ % workloads.length]!;
        const begun = performance.now();
        try {
          await crossEncoder.scorePairs(workload.query, workload.passages, {
            truncate: "END",
            signal,
          });
        } catch (error) {
          if (signal.aborted) break;
          throw error;
        }
        latencies.push(performance.now() - begun);
        pairs += workload.passages.length;
      }
    }),
  );
  const seconds = durationMs / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    requestsPerSecond: latencies.length / seconds,
    pairsPerSecond: pairs / seconds,
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
    requests: latencies.length,
    pairsPerCpuSecond: pairs / cpuSeconds,
  };
}
