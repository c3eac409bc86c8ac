// Issue 22's "text-only paths unchanged in speed": the collection's text-only ingest and search
// (BM25-only, and hybrid with the hashing embedder) of this checkout against `--before <checkout>`
// (another commit, installed and built), in the same run, alternating, each run a fresh process.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedDirectory } from "@hybrid-rag/models/testing";
import { Command } from "commander";

const options = new Command("collection-text-path-bench")
  .requiredOption("--before <checkout>", "another checkout of the repository, installed and built")
  .option("--runs <n>", "alternating repetitions (medians are reported)", "3")
  .option("--documents <n>", "first n SciFact documents", "2000")
  .option("--queries <n>", "first n SciFact queries", "300")
  .option("--dimension <n>", "vector length of the hashing embedder (hybrid)", "384")
  .parse()
  .opts<{ before: string; runs: string; documents: string; queries: string; dimension: string }>();
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const checkouts = {
  before: resolve(options.before),
  after: fileURLToPath(new URL("../../..", import.meta.url)),
};
type Run = {
  ingestMs: number;
  ingestCpuMs: number;
  chunks: number;
  searchMsPerQuery: number;
  searchCpuMsPerQuery: number;
};

const work = await mkdtemp(join(tmpdir(), "text-path-bench-"));
try {
  const scifact = join(sharedDirectory, "datasets/scifact");
  const firstLines = async (file: string, n: string) =>
    `${(await readFile(join(scifact, file), "utf8")).split("\n").filter(Boolean).slice(0, Number(n)).join("\n")}\n`;
  // The corpus in a folder of its own, so that the loader sees nothing but corpus.jsonl.
  const corpus = join(work, "corpus");
  await mkdir(corpus);
  await writeFile(
    join(corpus, "corpus.jsonl"),
    await firstLines("corpus.jsonl", options.documents),
  );
  const queriesFile = join(work, "queries.jsonl");
  await writeFile(queriesFile, await firstLines("queries.jsonl", options.queries));
  const script = fileURLToPath(new URL("./text-path-run.ts", import.meta.url));
  const results = new Map<string, Run[]>();
  const loads: number[] = [];
  for (let run = 0; run < Number(options.runs); run++) {
    for (const side of ["bm25", "hybrid"]) {
      // Alternate which checkout goes first, so neither always gets the quieter moment.
      const order = run % 2 === 0 ? ["before", "after"] : ["after", "before"];
      for (const which of order as Array<keyof typeof checkouts>) {
        loads.push(loadavg()[0]!);
        const output = execFileSync(process.execPath, [
          "--disable-warning=ExperimentalWarning",
          script,
          checkouts[which],
          corpus,
          side,
          queriesFile,
          options.dimension,
        ]);
        const result = JSON.parse(output.toString().trim().split("\n").at(-1)!) as Run;
        results.set(`${side} ${which}`, [...(results.get(`${side} ${which}`) ?? []), result]);
        console.error(
          `run ${run + 1} ${side} ${which}: ingest ${(result.ingestMs / 1000).toFixed(2)} s wall, ${(result.ingestCpuMs / 1000).toFixed(2)} s CPU (${result.chunks} chunks), search ${result.searchMsPerQuery.toFixed(2)} ms wall, ${result.searchCpuMsPerQuery.toFixed(2)} ms CPU per query (load ${loads.at(-1)!.toFixed(1)})`,
        );
      }
    }
  }
  // Per measure: the medians of each checkout's runs, and the median of the runs' own ratios
  // (run n after ÷ run n before, measured back to back), which cancels slow drifts in the load.
  const measures: Array<[string, (run: Run) => number, (value: number) => string]> = [
    ["ingest CPU", (run) => run.ingestCpuMs, (ms) => `${(ms / 1000).toFixed(2)} s`],
    ["ingest wall", (run) => run.ingestMs, (ms) => `${(ms / 1000).toFixed(2)} s`],
    ["search CPU per query", (run) => run.searchCpuMsPerQuery, (ms) => `${ms.toFixed(2)} ms`],
    ["search wall per query", (run) => run.searchMsPerQuery, (ms) => `${ms.toFixed(2)} ms`],
  ];
  console.log(
    `${options.documents} SciFact documents, ${options.queries} queries, ${options.runs} alternating runs, medians; load average (1 min) ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
  );
  console.log("| path | measure | before | after | after ÷ before | median of paired ratios |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: |");
  for (const side of ["bm25", "hybrid"]) {
    const label = side === "bm25" ? "BM25-only" : `hybrid (hashing ${options.dimension} d)`;
    const before = results.get(`${side} before`)!;
    const after = results.get(`${side} after`)!;
    for (const [measure, pick, format] of measures) {
      const b = median(before.map(pick));
      const a = median(after.map(pick));
      const paired = median(after.map((run, index) => pick(run) / pick(before[index]!)));
      console.log(
        `| ${label} | ${measure} | ${format(b)} | ${format(a)} | ${(a / b).toFixed(3)} | ${paired.toFixed(3)} |`,
      );
    }
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
