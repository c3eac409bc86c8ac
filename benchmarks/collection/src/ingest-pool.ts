// Ingest throughput with USE-lite on a SciFact subset: the model on the main thread (`single`)
// against the embedder worker pool (`pool`), alternating run by run, and the pool's own batch
// throughput on the same chunks (`ceiling`: embedding alone, no loading, chunking or writing).
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { sharedDirectory } from "@hybrid-rag/models/testing";
import { Command } from "commander";

const options = new Command("collection-ingest-bench")
  .option("--runs <n>", "alternating repetitions (medians are reported)", "3")
  .option("--documents <n>", "first n SciFact documents", "300")
  .option("--workers <n>", "pool workers", String(availableParallelism()))
  .parse()
  .opts<{ runs: string; documents: string; workers: string }>();
const runs = Number(options.runs);
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Cores this process can get right now: `threads` threads spin for `ms`, and their CPU time is
 * divided by the wall time. On a shared machine this, not the core count, bounds a pool's gain.
 */
async function coresAvailable(threads: number, ms: number): Promise<number> {
  const spin = `const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1);`;
  const before = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from(
      { length: threads },
      () => new Promise((resolve) => new Worker(spin, { eval: true }).once("exit", resolve)),
    ),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (performance.now() - started);
}

const work = await mkdtemp(join(tmpdir(), "ingest-bench-"));
try {
  const corpus = await readFile(join(sharedDirectory, "datasets/scifact/corpus.jsonl"), "utf8");
  const lines = corpus.split("\n").filter(Boolean).slice(0, Number(options.documents));
  await writeFile(join(work, "corpus.jsonl"), `${lines.join("\n")}\n`);
  const script = fileURLToPath(new URL("./ingest-run.ts", import.meta.url));
  type Run = {
    mode: string;
    ms: number;
    documents: number;
    chunks: number;
    peakMiB: number;
    cpuSeconds: number;
  };
  const results: Run[] = [];
  const available: number[] = [];
  for (let run = 0; run < runs; run++) {
    available.push(await coresAvailable(Number(options.workers), 3000));
    console.error(
      `run ${run + 1}: ${available.at(-1)!.toFixed(2)} cores available to ${options.workers} spinning threads`,
    );
    for (const mode of ["single", "pool", "ceiling"]) {
      const output = execFileSync(process.execPath, [
        "--disable-warning=ExperimentalWarning",
        script,
        mode,
        work,
        options.workers,
      ]);
      const result = JSON.parse(output.toString().trim().split("\n").at(-1)!) as Run;
      results.push(result);
      console.error(
        `run ${run + 1} ${mode}: ${(result.ms / 1000).toFixed(1)} s, ${((result.chunks * 1000) / result.ms).toFixed(1)} chunks/s, peak ${result.peakMiB.toFixed(0)} MiB, ${result.cpuSeconds.toFixed(0)} CPU s (load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
  }
  const of = (mode: string) => results.filter((result) => result.mode === mode);
  const rate = (mode: string) => median(of(mode).map((r) => (r.chunks * 1000) / r.ms));
  const peak = (mode: string) => median(of(mode).map((r) => r.peakMiB));
  // CPU seconds (all threads, model loading included) over wall seconds: how many cores the run
  // got. On a shared machine this, not the core count, bounds what a pool can gain.
  const cores = (mode: string) => median(of(mode).map((r) => r.cpuSeconds / (r.ms / 1000)));
  const cpu = (mode: string) => median(of(mode).map((r) => r.cpuSeconds));
  const { documents, chunks } = of("single")[0]!;
  console.log(
    `SciFact first ${documents} documents → ${chunks} chunks (USE-lite, 256 tokens), ${options.workers} workers, ${availableParallelism()} cores, ${runs} alternating runs, medians`,
  );
  console.log(
    "| measure | chunks/s | peak RSS | CPU s | cores used |\n| --- | ---: | ---: | ---: | ---: |",
  );
  for (const [label, mode] of [
    ["ingest, model on the main thread (before)", "single"],
    ["ingest, embedder worker pool", "pool"],
    ["pool embedding alone (ceiling)", "ceiling"],
  ] as const) {
    console.log(
      `| ${label} | ${rate(mode).toFixed(1)} | ${peak(mode).toFixed(0)} MiB | ${cpu(mode).toFixed(1)} | ${cores(mode).toFixed(2)} |`,
    );
  }
  console.log(`| pool ÷ single | ${(rate("pool") / rate("single")).toFixed(2)}× | | | |`);
  console.log(
    `| pool ÷ ceiling | ${((100 * rate("pool")) / rate("ceiling")).toFixed(1)} % | | | |`,
  );
  console.log(
    `cores available to ${options.workers} spinning threads before each round (median): ${median(available).toFixed(2)}`,
  );
  console.log(
    `load average at the end: ${loadavg()
      .map((value) => value.toFixed(2))
      .join(", ")}`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
