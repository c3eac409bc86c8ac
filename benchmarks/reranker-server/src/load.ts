import autocannon from "autocannon";
import type { ThroughputResult } from "./in-process.ts";
import { cpuSeconds } from "./server-process.ts";
import type { RankingWorkload } from "./workload.ts";

export interface LoadResult extends ThroughputResult {
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly errors: number;
}

/** autocannon against POST /v1/ranking with `connections` clients, cycling through the workloads. */
export async function runLoad(
  url: string,
  model: string,
  workloads: readonly RankingWorkload[],
  connections: number,
  durationSeconds: number,
): Promise<LoadResult> {
  const cpuBefore = await cpuSeconds(url);
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    // A request waiting in the server's queue is not a timeout; the server answers 503 when full.
    timeout: 120,
    requests: workloads.map((workload) => ({
      method: "POST" as const,
      path: "/v1/ranking",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model,
        query: { text: workload.query },
        passages: workload.passages.map((text) => ({ text })),
        truncate: "END",
      }),
    })),
  });
  const serverCpuSeconds = (await cpuSeconds(url)) - cpuBefore;
  const statusCounts: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    statusCounts[status] = count ?? 0;
  }
  const ok = statusCounts["200"] ?? 0;
  const seconds = result.duration;
  const passagesPerRequest = workloads[0]?.passages.length ?? 0;
  return {
    requestsPerSecond: ok / seconds,
    pairsPerSecond: (ok * passagesPerRequest) / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: ok,
    pairsPerCpuSecond: (ok * passagesPerRequest) / serverCpuSeconds,
    statusCounts,
    errors: result.errors ?? 0,
  };
}
