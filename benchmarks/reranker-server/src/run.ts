#!/usr/bin/env node
// Load test of the reranking server against the in-process cross-encoder, same model, same run.
//   pnpm --filter @hybrid-rag/benchmark-reranker-server bench [--model <dir>] [--seconds 10]
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import { createCrossEncoder } from "@hybrid-rag/reranker";
import { measureInProcess, type ThroughputResult } from "./in-process.ts";
import { runLoad } from "./load.ts";
import {
  heapUsedBytes,
  pendingRequests,
  residentMemoryBytes,
  startServerProcess,
} from "./server-process.ts";
import { loadWorkloads } from "./workload.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    shape: { type: "string", default: "small" },
    seconds: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    passages: { type: "string", default: "16" },
    words: { type: "string", default: "40" },
    concurrency: { type: "string", default: "1,8,64" },
    "overload-connections": { type: "string", default: "256" },
    "overload-queue": { type: "string", default: "32" },
    "overload-rounds": { type: "string", default: "5" },
  },
});
const seconds = Number(values.seconds);
const passagesPerRequest = Number(values.passages);
const levels = values.concurrency.split(",").map(Number);
const rounds = Number(values.rounds);
const overloadRoundCount = Number(values["overload-rounds"]);

const scratch = await mkdtemp(join(tmpdir(), "reranker-bench-"));
let modelPath = values.model;
let modelLabel = modelPath ?? "";
const shapes = {
  // A 2-layer, 128-wide BERT: fast enough on a small CPU to give many requests per measurement.
  small: { layers: 2, hidden: 128, heads: 2, label: "generated BERT L2-H128 (random weights)" },
  // ms-marco-MiniLM-L-6-v2's architecture: speed does not depend on the weight values.
  minilm: {
    layers: 6,
    hidden: 384,
    heads: 12,
    label: "generated MiniLM-L6-H384 shape (random weights)",
  },
} as const;
if (!modelPath) {
  const shape = shapes[values.shape as keyof typeof shapes];
  if (!shape) throw new Error(`--shape must be small or minilm, got ${values.shape}`);
  modelPath = join(scratch, values.shape);
  await createTinyBertModel(modelPath, { kind: "cross-encoder", ...shape });
  modelLabel = shape.label;
}

const { workloads, source } = await loadWorkloads(64, passagesPerRequest, Number(values.words));
console.log(
  `model: ${modelLabel}\nworkload: ${workloads.length} requests × ${passagesPerRequest} passages of ≤ ${values.words} words (${source})\n` +
    `machine: ${availableParallelism()} cores, node ${process.version}; ${seconds} s per measurement\n`,
);

type Row = { concurrency: number; inProcess: ThroughputResult; server: ThroughputResult };
const rows: Row[] = [];
const crossEncoder = await createCrossEncoder({ model: modelPath, executionProvider: "cpu" });
await measureInProcess(crossEncoder, workloads, 1, 1000); // warm-up
const serverEnvironment = {
  NIM_MODEL_PATH: modelPath,
  RERANKER_EXECUTION_PROVIDER: "cpu",
  // Every load-generating connection comes from this one address.
  RERANKER_MAX_CONNECTIONS_PER_CLIENT: "1024",
};
const model = modelPath.split("/").at(-1)!;

// One server for every level; measurements alternate (library, server, library, server, …) and
// the median round of each counts, so a burst of load from elsewhere on the machine (in either
// direction) moves neither side more than the other.
const server = await startServerProcess(serverEnvironment);
await runLoad(server.url, model, workloads, 1, 1); // warm-up
const median = (results: ThroughputResult[]) =>
  [...results].sort((a, b) => a.pairsPerSecond - b.pairsPerSecond)[Math.floor(results.length / 2)]!;
for (const concurrency of levels) {
  const inProcessRounds: ThroughputResult[] = [];
  const serverRounds: ThroughputResult[] = [];
  for (let round = 0; round < rounds; round++) {
    inProcessRounds.push(
      await measureInProcess(crossEncoder, workloads, concurrency, seconds * 1000),
    );
    serverRounds.push(await runLoad(server.url, model, workloads, concurrency, seconds));
  }
  const inProcess = median(inProcessRounds);
  const loaded = median(serverRounds);
  rows.push({ concurrency, inProcess, server: loaded });
  console.log(
    `c=${concurrency}: in-process ${inProcessRounds.map((r) => r.pairsPerSecond.toFixed(0)).join("/")} pairs/s, ` +
      `server ${serverRounds.map((r) => r.pairsPerSecond.toFixed(0)).join("/")} pairs/s → median ${((100 * loaded.pairsPerSecond) / inProcess.pairsPerSecond).toFixed(0)} %`,
  );
}
await server.stop();
await crossEncoder.release();

// Overload: far more clients than the queue admits. Expect 503s, no crash, memory flat.
const overloadServer = await startServerProcess({
  ...serverEnvironment,
  RERANKER_MAX_QUEUED_REQUESTS: values["overload-queue"],
});
const memoryBefore = await residentMemoryBytes(overloadServer.url);
// Rounds of overload: memory that is stable levels off after the first ones.
const overloadRounds: Array<{
  load: Awaited<ReturnType<typeof runLoad>>;
  memoryAfter: number;
  heapAfter: number;
}> = [];
for (let round = 0; round < overloadRoundCount; round++) {
  const load = await runLoad(
    overloadServer.url,
    model,
    workloads,
    Number(values["overload-connections"]),
    seconds,
  );
  // Let the admitted requests drain before measuring.
  while ((await pendingRequests(overloadServer.url)) > 0) await sleep(200);
  overloadRounds.push({
    load,
    memoryAfter: await residentMemoryBytes(overloadServer.url),
    heapAfter: await heapUsedBytes(overloadServer.url),
  });
}
const healthyAfter = (await fetch(`${overloadServer.url}/v1/health/ready`)).ok;
const exitCode = await overloadServer.stop();

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
console.log(
  "\n| concurrency | in-process pairs/s | server pairs/s | server / in-process | in-process pairs/CPU-s | server pairs/CPU-s | server / in-process per CPU-s | server p50 ms | server p99 ms | in-process p50 ms | in-process p99 ms |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const { concurrency, inProcess, server } of rows) {
  console.log(
    `| ${concurrency} | ${inProcess.pairsPerSecond.toFixed(0)} | ${server.pairsPerSecond.toFixed(0)} | ${((100 * server.pairsPerSecond) / inProcess.pairsPerSecond).toFixed(0)} % | ${inProcess.pairsPerCpuSecond.toFixed(1)} | ${server.pairsPerCpuSecond.toFixed(1)} | ${((100 * server.pairsPerCpuSecond) / inProcess.pairsPerCpuSecond).toFixed(0)} % | ${server.p50Ms.toFixed(0)} | ${server.p99Ms.toFixed(0)} | ${inProcess.p50Ms.toFixed(0)} | ${inProcess.p99Ms.toFixed(0)} |`,
  );
}
console.log(
  `\noverload: ${values["overload-connections"]} connections for ${seconds} s, ${overloadRoundCount} times, queue limit ${values["overload-queue"]}:`,
);
for (const [round, { load, memoryAfter, heapAfter }] of overloadRounds.entries()) {
  console.log(
    `  round ${round + 1}: status counts ${JSON.stringify(load.statusCounts)}, socket errors ${load.errors}, ` +
      `${load.pairsPerSecond.toFixed(0)} pairs/s served; RSS after ${mib(memoryAfter)} MiB, JS heap used ${mib(heapAfter)} MiB`,
  );
}
console.log(
  `  RSS before ${mib(memoryBefore)} MiB; ready afterwards: ${healthyAfter}; exit code after SIGTERM: ${exitCode}`,
);

const resultsDirectory = new URL("../results/", import.meta.url);
await mkdir(resultsDirectory, { recursive: true });
await writeFile(
  new URL(`run-${new Date().toISOString().replaceAll(":", "-")}.json`, resultsDirectory),
  JSON.stringify(
    {
      model: modelLabel,
      source,
      seconds,
      passagesPerRequest,
      rows,
      overloadRounds,
      memoryBefore,
      healthyAfter,
      exitCode,
    },
    null,
    2,
  ),
);
await rm(scratch, { recursive: true, force: true });
