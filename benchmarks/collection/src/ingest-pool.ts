// Ingest throughput with USE-lite on a SciFact subset: the model on the main thread (`single`)
// against the embedder worker pool (`pool`), alternating run by run, and the pool's own batch
// throughput on the same chunks (`ceiling`: embedding alone, no loading, chunking or writing).
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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

const work = await mkdtemp(join(tmpdir(), "ingest-bench-"));
try {
  const corpus = await readFile(join(sharedDirectory, "datasets/scifact/corpus.jsonl"), "utf8");
  const lines = corpus.split("\n").filter(Boolean).slice(0, Number(options.documents));
  await writeFile(join(work, "corpus.jsonl"), `${lines.join("\n")}\n`);
  const script = fileURLToPath(new URL("./ingest-run.ts", import.meta.url));
  type Run = { mode: string; ms: number; documents: number; chunks: number; peakMiB: number };
  const results: Run[] = [];
  for (let run = 0; run < runs; run++) {
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
        `run ${run + 1} ${mode}: ${(result.ms / 1000).toFixed(1)} s, ${((result.chunks * 1000) / result.ms).toFixed(1)} chunks/s, peak ${result.peakMiB.toFixed(0)} MiB (load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
  }
  const of = (mode: string) => results.filter((result) => result.mode === mode);
  const rate = (mode: string) => median(of(mode).map((r) => (r.chunks * 1000) / r.ms));
  const peak = (mode: string) => median(of(mode).map((r) => r.peakMiB));
  const { documents, chunks } = of("single")[0]!;
  console.log(
    `SciFact first ${documents} documents → ${chunks} chunks (USE-lite, 256 tokens), ${options.workers} workers, ${availableParallelism()} cores, ${runs} alternating runs, medians`,
  );
  console.log("| measure | chunks/s | peak RSS |\n| --- | ---: | ---: |");
  for (const [label, mode] of [
    ["ingest, model on the main thread (before)", "single"],
    ["ingest, embedder worker pool", "pool"],
    ["pool embedding alone (ceiling)", "ceiling"],
  ] as const) {
    console.log(`| ${label} | ${rate(mode).toFixed(1)} | ${peak(mode).toFixed(0)} MiB |`);
  }
  console.log(`| pool ÷ single | ${(rate("pool") / rate("single")).toFixed(2)}× | |`);
  console.log(`| pool ÷ ceiling | ${((100 * rate("pool")) / rate("ceiling")).toFixed(1)} % | |`);
} finally {
  await rm(work, { recursive: true, force: true });
}
