import type { CrossEncoder } from "@hybrid-rag/reranker";
import type { RankingWorkload } from "./workload.ts";

export interface ThroughputResult {
  readonly requestsPerSecond: number;
  readonly pairsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
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
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const workload = workloads[next++ % workloads.length]!;
        const begun = performance.now();
        await crossEncoder.scorePairs(workload.query, workload.passages, { truncate: "END" });
        latencies.push(performance.now() - begun);
        pairs += workload.passages.length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    requestsPerSecond: latencies.length / seconds,
    pairsPerSecond: pairs / seconds,
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
    requests: latencies.length,
  };
}
