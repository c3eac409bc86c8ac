import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { GraphEvent } from "@hybrid-rag/models";
import { llama32OneBillionConfig, writeLlamaShapeDirectory } from "@hybrid-rag/models/testing";
import { createCrossEncoder, type EncodedPair } from "@hybrid-rag/reranker";

// The full Llama-3.2-1B-shaped bidirectional reranker (NVIDIA's llama-3.2-nv-rerankqa-1b-v2
// shape, random fp16 safetensors, all 16 layers) through the product path: createCrossEncoder
// → loadModelDirectory → buildModelGraph (graph + external data model.onnx.data, cached by
// content hash) → onnxruntime's CPU provider. Each phase runs in its own process (a real first
// and second start, and its own peak RSS):
//   1. first load: the graph is built (fp32) and a session opened from the built file;
//   2. cached load: a new process finds the graph in the cache (asserted: no build) and opens
//      the session, then times forward passes of rows × tokens (median of runs, after a warm-up);
//   3./4. the same for the fp16 graph (GPU precision; its CPU speed only with --fp16-forward).
// The checkpoint is written to a temporary directory, one shard at a time, and deleted after.
//   node benchmarks/reranker/src/decoder-1b/measure-llama-1b-product.ts --layers 16
const { values } = parseArgs({
  allowNegative: true,
  options: {
    layers: { type: "string", default: "16" },
    rows: { type: "string", default: "4" },
    tokens: { type: "string", default: "128" },
    runs: { type: "string", default: "3" },
    threads: { type: "string", default: "2" },
    fp16: { type: "boolean", default: true },
    "fp16-forward": { type: "boolean", default: false },
    // Internal: one phase in a child process.
    phase: { type: "string" },
    directory: { type: "string" },
    cache: { type: "string" },
    precision: { type: "string" },
    forward: { type: "boolean", default: false },
  },
});

if (values.phase !== undefined) {
  console.log(JSON.stringify(await runPhase()));
} else {
  await main();
}

async function main(): Promise<void> {
  const layers = Number(values.layers);
  const root = await mkdtemp(join(tmpdir(), `llama-1b-product-${layers}-`));
  const directory = join(root, "model");
  const cache = join(root, "graphs");
  try {
    await mkdir(directory);
    let started = performance.now();
    const { bytes } = await writeLlamaShapeDirectory(directory, llama32OneBillionConfig(layers));
    report({
      phase: "generate",
      layers,
      checkpointBytes: bytes,
      ms: Math.round(performance.now() - started),
      maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    });
    const phases: { phase: string; precision: string; forward: boolean }[] = [
      { phase: "first-load", precision: "fp32", forward: false },
      { phase: "cached-load", precision: "fp32", forward: true },
    ];
    if (values.fp16) {
      phases.push(
        { phase: "first-load", precision: "fp16", forward: false },
        { phase: "cached-load", precision: "fp16", forward: values["fp16-forward"] },
      );
    }
    for (const { phase, precision, forward } of phases) {
      started = performance.now();
      const child = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          "--phase",
          phase,
          "--directory",
          directory,
          "--cache",
          cache,
          "--precision",
          precision,
          "--rows",
          values.rows,
          "--tokens",
          values.tokens,
          "--runs",
          values.runs,
          "--threads",
          values.threads,
          ...(forward ? ["--forward"] : []),
        ],
        { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 24 },
      );
      if (child.status !== 0) {
        report({ phase, precision, failed: child.status ?? child.signal, stdout: child.stdout });
        continue;
      }
      const figures = JSON.parse(child.stdout.trim().split("\n").at(-1)!);
      report({ ...figures, processMs: Math.round(performance.now() - started) });
    }
    const du = spawnSync("du", ["-sb", ...[directory, cache]], { encoding: "utf8" });
    report({ phase: "disk", du: du.stdout.trim().split("\n") });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function report(value: Record<string, unknown>): void {
  console.log(JSON.stringify(value));
}

async function runPhase(): Promise<Record<string, unknown>> {
  const precision = values.precision === "fp16" ? "fp16" : "fp32";
  const events: GraphEvent[] = [];
  const started = performance.now();
  const encoder = await createCrossEncoder({
    model: values.directory!,
    hub: {
      graphCacheDirectory: values.cache!,
      graphPrecision: precision === "fp16" ? "float16" : "float32",
      onGraph: (event) => {
        events.push(event);
        process.stderr.write(`${event.kind} ${event.precision} ${event.onnxPath}\n`);
      },
    },
    precision,
    executionProvider: "cpu",
    intraOpThreads: Number(values.threads),
  });
  const loadMs = performance.now() - started;
  const built = events.find((event) => event.kind === "built");
  if (values.phase === "cached-load" && (built !== undefined || events[0]?.kind !== "cached")) {
    throw new Error(`the second start built a graph: ${JSON.stringify(events)}`);
  }
  const result: Record<string, unknown> = {
    phase: values.phase,
    precision,
    graphEvents: events.map((event) => event.kind),
    buildMs: built === undefined ? undefined : Math.round(built.milliseconds ?? 0),
    /** createCrossEncoder to ready: config + tokenizer, cache lookup (and build), session. */
    loadMs: Math.round(loadMs),
    modelFile: encoder.modelFile,
    provider: encoder.provider,
  };
  if (values.forward) {
    const rows = Number(values.rows);
    const tokens = Number(values.tokens);
    let seed = 7;
    const pairs: EncodedPair[] = Array.from({ length: rows }, () => ({
      // Ids the stand-in tokenizer can give (< 30,522), [CLS] … [SEP] around them.
      ids: [
        101,
        ...Array.from({ length: tokens - 2 }, () => {
          seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
          return 1000 + (seed % 29_000);
        }),
        102,
      ],
      typeIds: Array.from({ length: tokens }, () => 0),
      length: tokens,
      untruncatedLength: tokens,
    }));
    const warm = performance.now();
    const logits = await encoder.scoreEncoded(pairs);
    result.warmUpMs = Math.round(performance.now() - warm);
    const times: number[] = [];
    for (let run = 0; run < Number(values.runs); run++) {
      const start = performance.now();
      await encoder.scoreEncoded(pairs);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    result.forwardMs = times.map(Math.round);
    result.medianMs = Math.round(median);
    result.tokensPerSecond = Number(((rows * tokens * 1000) / median).toFixed(1));
    result.modelRuns = encoder.modelRuns;
    result.logits = [...logits].map((value) => Number(value.toPrecision(4)));
  }
  await encoder.release();
  result.maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  return result;
}
