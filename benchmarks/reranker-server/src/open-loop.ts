import { setTimeout as sleep } from "node:timers/promises";

export interface OpenLoopResult {
  readonly statusCounts: Record<string, number>;
  /** Requests that got no HTTP answer (connection refused or reset). */
  readonly errors: number;
}

export interface LoadShape {
  readonly seconds: number;
  /** Open loop: a new request every 1/rate s, whatever the answers (overload stays overload). */
  readonly ratePerSecond?: number;
  /** Closed loop: this many clients, each sending its next request when answered. */
  readonly closedLoopClients?: number;
}

/** POSTs ranking requests to `/v1/ranking` for `seconds`, then waits for every answer. */
export async function openLoop(
  url: string,
  body: (index: number) => string,
  shape: LoadShape,
): Promise<OpenLoopResult> {
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  const send = async () => {
    const index = sent++;
    try {
      const response = await fetch(`${url}/v1/ranking`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: body(index),
      });
      await response.arrayBuffer();
      statusCounts[response.status] = (statusCounts[response.status] ?? 0) + 1;
    } catch {
      errors++;
    }
  };
  const end = performance.now() + shape.seconds * 1000;
  const requests: Promise<void>[] = [];
  if (shape.ratePerSecond !== undefined) {
    const interval = 1000 / shape.ratePerSecond;
    for (let next = performance.now(); next < end; next += interval) {
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
      requests.push(send());
    }
  } else {
    for (let client = 0; client < (shape.closedLoopClients ?? 1); client++) {
      requests.push(
        (async () => {
          while (performance.now() < end) await send();
        })(),
      );
    }
  }
  await Promise.all(requests);
  return { statusCounts, errors };
}

/** Polls GET /v1/health/live every `intervalMs` (one at a time); `stop()` returns latencies in ms. */
export function pollHealth(url: string, intervalMs: number): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const begun = performance.now();
      try {
        const response = await fetch(`${url}/v1/health/live`);
        await response.arrayBuffer();
        latencies.push(performance.now() - begun);
      } catch {
        latencies.push(Number.POSITIVE_INFINITY);
      }
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}

/** The p-quantile (0..1) of values, nearest rank; 1 gives the maximum. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
