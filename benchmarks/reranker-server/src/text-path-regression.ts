#!/usr/bin/env node
// Text-only reranking before and after image support, in the same run, alternating: the
// in-process CrossEncoder and the server's /v1/ranking of two checkouts on one model.
//   pnpm --filter @hybrid-rag/benchmark-reranker-server text-path --before /tmp/before-vlm [--rounds 5] [--shape small|minilm]
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import type { ProbeResult } from "./text-path-probe.ts";

const { values } = parseArgs({
  options: {
    before: { type: "string" },
    after: { type: "string", default: fileURLToPath(new URL("../../..", import.meta.url)) },
    rounds: { type: "string", default: "5" },
    requests: { type: "string", default: "16" },
    shape: { type: "string", default: "small" },
  },
});
if (!values.before)
  throw new Error("--before <checkout of the commit to compare with> is required");
const sides = { before: resolve(values.before), after: resolve(values.after) } as const;
type Side = keyof typeof sides;
const rounds = Number(values.rounds);
const probe = fileURLToPath(new URL("./text-path-probe.ts", import.meta.url));
const run = promisify(execFile);

// Random weights (speed does not depend on them), one ONNX file both checkouts load. The small
// shape (2 × 128) makes what surrounds the model — tokenising, the HTTP route, the body scanner,
// batching — a larger share of each request, so a slower text path shows more.
const shapes = {
  small: { layers: 2, hidden: 128, heads: 2, label: "BERT L2-H128" },
  minilm: { layers: 6, hidden: 384, heads: 12, label: "MiniLM-L6-H384 shape" },
} as const;
const shape = shapes[values.shape as keyof typeof shapes];
if (!shape) throw new Error(`--shape must be small or minilm, got ${values.shape}`);
const scratch = await mkdtemp(join(tmpdir(), "text-path-"));
const model = join(scratch, values.shape);
await createTinyBertModel(model, { kind: "cross-encoder", ...shape });

const measurements = [
  { name: "in-process CrossEncoder.scorePairs", mode: "in-process", concurrency: 1 },
  { name: "server /v1/ranking, 1 client", mode: "server", concurrency: 1 },
  { name: "server /v1/ranking, 8 clients", mode: "server", concurrency: 8 },
] as const;
const load = [loadavg()[0]!];
console.log(
  `text path before/after: ${sides.before} vs ${sides.after}\nmodel: ${shape.label} (random weights), ${values.requests} requests × 16 passages of ≤ 40 words per probe, ${rounds} rounds alternating\n` +
    `machine: ${availableParallelism()} cores, node ${process.version}, load ${load[0]!.toFixed(1)}\n`,
);

const results: Record<string, Record<Side, ProbeResult[]>> = {};
for (let round = 0; round < rounds; round++) {
  // before-after, then after-before: neither side always runs first.
  const order: Side[] = round % 2 === 0 ? ["before", "after"] : ["after", "before"];
  for (const measurement of measurements) {
    for (const side of order) {
      const { stdout } = await run(
        process.execPath,
        [
          probe,
          `--root=${sides[side]}`,
          `--mode=${measurement.mode}`,
          `--model=${model}`,
          `--concurrency=${measurement.concurrency}`,
          `--requests=${values.requests}`,
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      );
      const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as ProbeResult;
      results[measurement.name] ??= { before: [], after: [] };
      results[measurement.name]![side].push(result);
    }
  }
  load.push(loadavg()[0]!);
  console.log(`round ${round + 1}/${rounds} done (load ${load.at(-1)!.toFixed(1)})`);
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const rows = measurements.map(({ name }) => {
  const { before, after } = results[name]!;
  // Per side: the median request latency of each probe, then the median over rounds.
  const latency = (side: ProbeResult[]) => median(side.map((r) => median(r.latenciesMs)));
  const wall = (side: ProbeResult[]) => median(side.map((r) => r.wallMs));
  const cpu = (side: ProbeResult[]) => median(side.map((r) => r.cpuMs));
  // Ratios round by round (the two sides of a round ran back to back), then their median.
  const pairedWall = median(after.map((r, index) => r.wallMs / before[index]!.wallMs));
  return {
    name,
    medianLatencyMs: { before: latency(before), after: latency(after) },
    medianWallMs: { before: wall(before), after: wall(after) },
    medianCpuMs: { before: cpu(before), after: cpu(after) },
    latencyRatio: latency(after) / latency(before),
    pairedWallRatio: pairedWall,
    cpuRatio: cpu(after) / cpu(before),
  };
});

console.log(
  "\n| path | median request ms, before | after | after / before | wall per probe, after / before (paired median) | CPU ms per probe, before | after | CPU after / before |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const row of rows) {
  console.log(
    `| ${row.name} | ${row.medianLatencyMs.before.toFixed(1)} | ${row.medianLatencyMs.after.toFixed(1)} | ${row.latencyRatio.toFixed(3)} | ${row.pairedWallRatio.toFixed(3)} | ${row.medianCpuMs.before.toFixed(0)} | ${row.medianCpuMs.after.toFixed(0)} | ${row.cpuRatio.toFixed(3)} |`,
  );
}
console.log(
  `\nload average (1 min) during the run: ${load.map((value) => value.toFixed(1)).join(", ")}`,
);

const resultsDirectory = fileURLToPath(new URL("../results/", import.meta.url));
await mkdir(resultsDirectory, { recursive: true });
const file = join(
  resultsDirectory,
  `text-path-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
);
await writeFile(file, JSON.stringify({ sides, rounds, load, rows, results }, null, 2));
console.log(`results: ${file}`);
await rm(scratch, { recursive: true, force: true });
