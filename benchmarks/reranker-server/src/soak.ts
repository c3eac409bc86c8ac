#!/usr/bin/env node
// Soak: the server under 2× its capacity of maximum-size requests for a fixed time, while this
// process polls /v1/health/live. Reports statuses (only 200/503/504 allowed), health latency
// percentiles, resident memory, throughput against the in-process cross-encoder, and shutdown.
//   pnpm --filter @hybrid-rag/benchmark-reranker-server soak [--shape minilm] [--seconds 60]
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { createCrossEncoder } from "@hybrid-rag/reranker";
import { measureInProcess } from "./in-process.ts";
import { openLoop, percentile, pollHealth } from "./open-loop.ts";
import { residentMemoryBytes, startServerProcess } from "./server-process.ts";
import { loadWorkloads } from "./workload.ts";

const { values } = parseArgs({
  options: {
    shape: { type: "string", default: "minilm" },
    seconds: { type: "string", default: "60" },
    "capacity-seconds": { type: "string", default: "20" },
    passages: { type: "string", default: "64" },
    words: { type: "string", default: "40" },
    overload: { type: "string", default: "2" },
    workers: { type: "string", default: "1" },
  },
});
const seconds = Number(values.seconds);
const capacitySeconds = Number(values["capacity-seconds"]);
const passages = Number(values.passages);

const shapes = {
  small: { layers: 2, hidden: 128, heads: 2 },
  minilm: { layers: 6, hidden: 384, heads: 12 },
} as const;
const shape = shapes[values.shape as keyof typeof shapes];
if (!shape) throw new Error(`--shape must be small or minilm, got ${values.shape}`);
const scratch = await mkdtemp(join(tmpdir(), "reranker-soak-"));
const modelPath = join(scratch, values.shape);
await createTinyBertModel(modelPath, { kind: "cross-encoder", ...shape });
const model = values.shape;

// Maximum-size batches: 64 passages per request, a full batch of RERANKER_MAX_BATCH_PAIRS
// (passages of ≤ 40 words by default; --words 180 also fills the 16,384-token budget, at
// minutes per request on a small shared CPU).
const { workloads, source } = await loadWorkloads(32, passages, Number(values.words));
console.log(
  `model: generated ${values.shape} (${shape.layers} layers × ${shape.hidden}), ${workloads.length} requests × ${passages} passages of ≤ ${values.words} words (${source})\n` +
    `machine: ${availableParallelism()} cores, node ${process.version}`,
);

// Capacity: the library in this process, one caller back to back (what the server's one batch
// at a time amounts to), then the server with two clients back to back.
const crossEncoder = await createCrossEncoder({ model: modelPath, executionProvider: "cpu" });
await measureInProcess(crossEncoder, workloads, 1, 2000);
const inProcess = await measureInProcess(crossEncoder, workloads, 1, capacitySeconds * 1000);
await crossEncoder.release();
console.log(`in-process: ${inProcess.pairsPerSecond.toFixed(1)} pairs/s`);
if (inProcess.requests < 3) {
  throw new Error(
    `only ${inProcess.requests} requests finished in --capacity-seconds ${capacitySeconds}: raise it or use fewer --words`,
  );
}

// The queue's budget in pairs: what the model scores in half the request timeout, so an
// admitted request can finish in time and the excess is refused at once (503) instead of
// timing out late (504) after wasting model time.
const timeoutMs = 15_000;
const queuedPairs = Math.max(passages, Math.floor((inProcess.pairsPerSecond * timeoutMs) / 2000));
console.log(`RERANKER_MAX_QUEUED_PAIRS=${queuedPairs}`);
const results: Record<string, unknown>[] = [];
const tableLines: string[] = [];
for (const workers of values.workers.split(",")) {
  const server = await startServerProcess({
    NIM_MODEL_PATH: modelPath,
    NIM_SERVED_MODEL_NAME: model,
    RERANKER_EXECUTION_PROVIDER: "cpu",
    RERANKER_WORKERS: workers,
    RERANKER_REQUEST_TIMEOUT_MS: String(timeoutMs),
    RERANKER_MAX_QUEUED_REQUESTS: "16",
    RERANKER_MAX_QUEUED_PAIRS: String(queuedPairs),
  });
  const requestBody = (index: number) => {
    const workload = workloads[index % workloads.length]!;
    return JSON.stringify({
      model,
      query: { text: workload.query },
      passages: workload.passages.map((text) => ({ text })),
      truncate: "END",
    });
  };
  const closed = await openLoop(server.url, requestBody, {
    closedLoopClients: 2,
    seconds: capacitySeconds,
  });
  const capacityPerSecond = (closed.statusCounts["200"] ?? 0) / capacitySeconds;
  if (capacityPerSecond === 0)
    throw new Error("the server answered nothing while measuring capacity");
  const rate = Number(values.overload) * capacityPerSecond;
  const rssBefore = await residentMemoryBytes(server.url);
  let rssMax = rssBefore;
  const health = pollHealth(server.url, 50);
  const rssSampler = (async () => {
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      rssMax = Math.max(rssMax, await residentMemoryBytes(server.url));
      await sleep(1000);
    }
  })();
  const overload = await openLoop(server.url, requestBody, { ratePerSecond: rate, seconds });
  await rssSampler;
  const healthLatencies = await health.stop();
  const ready = (await fetch(`${server.url}/v1/health/ready`)).ok;
  // Shutdown with work in flight: start a few requests, then SIGTERM.
  const inFlight = Array.from({ length: 4 }, (_, index) =>
    fetch(`${server.url}/v1/ranking`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: requestBody(index),
    }).catch(() => undefined),
  );
  await sleep(200);
  const stopBegun = performance.now();
  const exitCode = await server.stop();
  const stopMs = performance.now() - stopBegun;
  await Promise.all(inFlight);
  const unexpected = Object.keys(overload.statusCounts).filter(
    (status) => !["200", "503", "504"].includes(status),
  );
  const row = {
    workers,
    inProcessPairsPerSecond: inProcess.pairsPerSecond,
    serverPairsPerSecond: capacityPerSecond * passages,
    throughputRatio: (capacityPerSecond * passages) / inProcess.pairsPerSecond,
    overloadRatePerSecond: rate,
    statusCounts: overload.statusCounts,
    socketErrors: overload.errors,
    unexpectedStatuses: unexpected,
    servedPairsPerSecondUnderOverload: ((overload.statusCounts["200"] ?? 0) * passages) / seconds,
    healthChecks: healthLatencies.length,
    healthP50Ms: percentile(healthLatencies, 0.5),
    healthP99Ms: percentile(healthLatencies, 0.99),
    healthMaxMs: percentile(healthLatencies, 1),
    rssBeforeMiB: rssBefore / 2 ** 20,
    rssMaxMiB: rssMax / 2 ** 20,
    readyAfter: ready,
    exitCode,
    stopMs,
  };
  results.push(row);
  console.log(JSON.stringify(row));
  tableLines.push(
    `| ${row.workers} | ${(100 * row.throughputRatio).toFixed(0)} % | ${row.overloadRatePerSecond.toFixed(2)} | ${JSON.stringify(row.statusCounts)} | ${row.socketErrors} | ${row.healthP50Ms.toFixed(1)} | ${row.healthP99Ms.toFixed(1)} | ${row.healthMaxMs.toFixed(0)} | ${row.rssBeforeMiB.toFixed(0)} → ${row.rssMaxMiB.toFixed(0)} | ${row.readyAfter} | ${row.exitCode}, ${row.stopMs.toFixed(0)} |`,
  );
}
console.log(
  "\n| RERANKER_WORKERS | server / in-process | overload req/s | statuses | socket errors | health p50 ms | health p99 ms | health max ms | RSS before → max MiB | ready after | SIGTERM exit, ms |",
);
console.log("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- | --- | --- |");
for (const line of tableLines) console.log(line);
await rm(scratch, { recursive: true, force: true });
