// The prepared GPU check (see benchmarks/reranker/README.md, "GPU"): run it through
// benchmarks/reranker/gpu/run.sh. Measures CrossEncoder.scorePairs on every GPU route that
// loads and on the CPU, against sentence-transformers' CrossEncoder (PyTorch) on the same GPU.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ExecutionProvider } from "@hybrid-rag/models";
import { checkGpuRoutes, driverCudaVersion } from "@hybrid-rag/models/gpu";
import { createTinyBertModel, sharedDirectory } from "@hybrid-rag/models/testing";
import { measureRoute, type RouteMeasurement } from "./measure-route.ts";
import { measurePythonPeer, type PeerResult } from "./python-peer.ts";
import { type GpuCheckReport, markdownReport, markdownTable, summaryRows } from "./report.ts";
import { readSciFact } from "./scifact-passages.ts";
import { checkShapes } from "./shapes.ts";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((argument) => argument !== "--"),
  options: {
    out: { type: "string" },
    "dry-run": { type: "boolean", default: false },
    shared: { type: "string", default: sharedDirectory },
    python: { type: "string", default: "python3" },
    "budget-s": { type: "string", default: "420" },
    // For a partial run (a rerun of one shape, a quick look): override the plan.
    shapes: { type: "string" },
    passages: { type: "string" },
  },
});

if (!values.out) {
  console.error(
    "usage: gpu-check.ts --out <folder> [--dry-run] [--shared <folder>] [--python <exe>]",
  );
  process.exit(2);
}
const dryRun = values["dry-run"];
const outDirectory = resolve(values.out);
const budgetMs = Number(values["budget-s"]) * 1000;
const startedAt = new Date();
const deadline = Date.now() + budgetMs;
// Full run: 500 passages on GPUs (the NIM's ~1,750 ms figure), 100 on the CPU, 3 runs each.
const defaultPlan = dryRun
  ? { shapes: ["tiny"], gpuPassages: 12, cpuPassages: 12, runs: 1 }
  : {
      shapes: ["minilm-l6", "bert-base", "bert-large"],
      gpuPassages: 500,
      cpuPassages: 100,
      runs: 3,
    };
const passagesOverride = values.passages === undefined ? undefined : Number(values.passages);
const plan = {
  ...defaultPlan,
  ...(values.shapes ? { shapes: values.shapes.split(",") } : {}),
  ...(passagesOverride ? { gpuPassages: passagesOverride, cpuPassages: passagesOverride } : {}),
};
for (const name of plan.shapes) {
  if (!checkShapes[name]) {
    console.error(`unknown shape ${name}: one of ${Object.keys(checkShapes).join(", ")}`);
    process.exit(2);
  }
}

const here = fileURLToPath(new URL(".", import.meta.url));
const cacheDirectory = dryRun
  ? await mkdtemp(join(tmpdir(), "gpu-check-"))
  : join(here, "..", "..", ".cache", "gpu-check");
const vocabularyPath = join(values.shared, "models", "bert-base-uncased-vocab.txt");
const [query] = await readSciFact(values.shared, "queries.jsonl", 1);
const corpus = await readSciFact(values.shared, "corpus.jsonl", plan.gpuPassages);
const driverCuda = await driverCudaVersion();
const gpuName = commandOutput("nvidia-smi", [
  "--query-gpu=name,memory.total",
  "--format=csv,noheader",
]);

console.log(`GPU check (${dryRun ? "dry run: CPU, tiny shape" : "full"}) → ${outDirectory}`);
const routes = await checkGpuRoutes();
for (const route of routes) {
  console.log(
    `route ${route.provider}: ${route.loads ? "loads" : `does not load (${route.error})`}`,
  );
}
const gpuRoutes = routes.filter((route) => route.loads).map((route) => route.provider);
const measurements: RouteMeasurement[] = [];
const skipped: { shape: string; route: string; reason: string }[] = [];
const peers: ({ shape: string } & PeerResult)[] = [];

await mkdir(outDirectory, { recursive: true });
try {
  for (const shapeName of plan.shapes) {
    const shape = checkShapes[shapeName]!;
    const modelDirectory = join(cacheDirectory, shape.name);
    // special_tokens_map.json is written last: a folder without it is from an interrupted run.
    if (!existsSync(join(modelDirectory, "special_tokens_map.json"))) {
      console.log(`writing ${shape.label} (random weights) to ${modelDirectory}`);
      await createTinyBertModel(modelDirectory, {
        kind: "cross-encoder",
        ...shape,
        seed: 1,
        vocabularyPath,
        fp16: true,
      });
    }
    // GPUs: the fp16 file (what "auto" picks there) and the fp32 one; the CPU: fp32 (and, in the
    // dry run, fp16 too, so CI runs the fp16 path).
    const contenders: [ExecutionProvider, "fp16" | "fp32", number][] = [
      ...gpuRoutes.flatMap((route): [ExecutionProvider, "fp16" | "fp32", number][] => [
        [route, "fp16", plan.gpuPassages],
        [route, "fp32", plan.gpuPassages],
      ]),
      ["cpu", "fp32", plan.cpuPassages],
      ...(dryRun ? [["cpu", "fp16", plan.cpuPassages] as [ExecutionProvider, "fp16", number]] : []),
    ];
    for (const [route, precision, count] of contenders) {
      if (Date.now() > deadline) {
        skipped.push({
          shape: shape.name,
          route: `${route} ${precision}`,
          reason: "time budget spent (--budget-s)",
        });
        continue;
      }
      try {
        const measured = await measureRoute({
          shape: shape.name,
          modelDirectory,
          route,
          precision,
          query: query!,
          passages: corpus.slice(0, count),
          runs: route === "cpu" && !dryRun ? 1 : plan.runs,
        });
        measurements.push(measured);
        console.log(
          `${shape.name} ${route} ${precision}: ${measured.medianMs.toFixed(0)} ms for ${count} passages (${measured.pairsPerSecond.toFixed(1)} pairs/s, ${measured.modelRunsPerCall} model runs)`,
        );
      } catch (error) {
        skipped.push({
          shape: shape.name,
          route,
          reason: String((error as Error).message ?? error),
        });
      }
    }
    const peerDevice = gpuName && !dryRun ? "cuda" : "cpu";
    const peer = await measurePythonPeer({
      python: values.python,
      modelDirectory,
      workDirectory: cacheDirectory,
      query: query!,
      passages: corpus.slice(0, peerDevice === "cuda" ? plan.gpuPassages : plan.cpuPassages),
      device: peerDevice,
      dtype: peerDevice === "cuda" ? "fp16" : "fp32",
      runs: plan.runs,
      timeoutMs: Math.max(10_000, Math.min(240_000, deadline - Date.now())),
    });
    peers.push({ shape: shape.name, ...peer });
    await writeResults();
    console.log(
      `${shape.name} peer: ${peer.available ? `${peer.medianMs.toFixed(0)} ms (${peer.device} ${peer.dtype})` : `unavailable (${peer.reason})`}`,
    );
  }
} finally {
  if (dryRun) await rm(cacheDirectory, { recursive: true, force: true });
}

const finalReport = await writeResults();
console.log(`\n${markdownTable(finalReport.rows)}\n`);
console.log(
  `wrote ${join(outDirectory, "results.json")} and results.md (${finalReport.durationS} s)`,
);

/** Written after every shape too, so a run stopped by the time limit leaves what it measured. */
async function writeResults(): Promise<GpuCheckReport> {
  const report: GpuCheckReport = {
    mode: dryRun ? "dry-run" : "full",
    startedAt: startedAt.toISOString(),
    durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: {
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      node: process.version,
      gpu: gpuName ?? null,
      driverCuda: driverCuda ?? null,
    },
    corpus: {
      query: query!,
      source: `the first ${plan.gpuPassages} SciFact documents (title + abstract); CPU rows: the first ${plan.cpuPassages}`,
    },
    routes,
    measurements,
    skipped,
    peers,
    rows: summaryRows(measurements, peers),
  };
  await writeFile(join(outDirectory, "results.json"), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDirectory, "results.md"), markdownReport(report));
  return report;
}

function commandOutput(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { encoding: "utf8", timeout: 10_000 }).trim() || undefined;
  } catch {
    return undefined;
  }
}
