#!/usr/bin/env node
// One side of the text-path comparison (text-path-regression.ts): a fixed number of text-only
// ranking requests through the checkout at --root — its in-process CrossEncoder, or its server
// process over /v1/ranking — timed per request after a warm-up. Prints one JSON line.
//   node text-path-probe.ts --root <checkout> --mode in-process|server --model <dir> [--requests 32] [--concurrency 1]
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { cpuSeconds, startServerProcess } from "./server-process.ts";
import { loadWorkloads, type RankingWorkload } from "./workload.ts";

const { values } = parseArgs({
  options: {
    root: { type: "string" },
    mode: { type: "string", default: "in-process" },
    model: { type: "string" },
    requests: { type: "string", default: "32" },
    passages: { type: "string", default: "16" },
    words: { type: "string", default: "40" },
    concurrency: { type: "string", default: "1" },
  },
});
if (!values.root || !values.model)
  throw new Error("--root <checkout> and --model <dir> are required");
const root = resolve(values.root);
const concurrency = Number(values.concurrency);
const { workloads } = await loadWorkloads(
  Number(values.requests),
  Number(values.passages),
  Number(values.words),
);
const warmUp = workloads.slice(0, 4);

/** What one probe measured: each timed request's latency, the CPU time of the process scoring. */
export interface ProbeResult {
  readonly root: string;
  readonly mode: string;
  readonly concurrency: number;
  readonly latenciesMs: number[];
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Runs `send` over the workloads with `concurrency` callers; each request's latency, in order. */
async function timed(send: (workload: RankingWorkload) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const begun = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < workloads.length; index = next++) {
        const start = performance.now();
        await send(workloads[index]!);
        latencies.push(performance.now() - start);
      }
    }),
  );
  return { latencies, wallMs: performance.now() - begun };
}

let result: ProbeResult;
if (values.mode === "in-process") {
  // The checkout's own library, by path: each side runs its own code on its own dependencies.
  const reranker = (await import(
    pathToFileURL(join(root, "packages/reranker/src/index.ts")).href
  )) as typeof import("@hybrid-rag/reranker");
  const crossEncoder = await reranker.createCrossEncoder({
    model: values.model,
    executionProvider: "cpu",
  });
  const score = async (workload: RankingWorkload) => {
    await crossEncoder.scorePairs(workload.query, workload.passages, { truncate: "END" });
  };
  for (const workload of warmUp) await score(workload);
  const cpuBefore = process.cpuUsage();
  const { latencies, wallMs } = await timed(score);
  const cpu = process.cpuUsage(cpuBefore);
  await crossEncoder.release();
  result = {
    root,
    mode: "in-process",
    concurrency,
    latenciesMs: latencies,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
} else if (values.mode === "server") {
  const server = await startServerProcess(
    {
      NIM_MODEL_PATH: values.model,
      NIM_SERVED_MODEL_NAME: "bench",
      RERANKER_EXECUTION_PROVIDER: "cpu",
    },
    join(root, "apps/reranker-server/src/main.ts"),
  );
  const send = async (workload: RankingWorkload) => {
    const response = await fetch(`${server.url}/v1/ranking`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "bench",
        query: { text: workload.query },
        passages: workload.passages.map((text) => ({ text })),
        truncate: "END",
      }),
    });
    if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  try {
    for (const workload of warmUp) await send(workload);
    const cpuBefore = await cpuSeconds(server.url);
    const { latencies, wallMs } = await timed(send);
    result = {
      root,
      mode: "server",
      concurrency,
      latenciesMs: latencies,
      wallMs,
      cpuMs: ((await cpuSeconds(server.url)) - cpuBefore) * 1000,
    };
  } finally {
    await server.stop();
  }
} else {
  throw new Error(`--mode must be in-process or server, got ${values.mode}`);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
