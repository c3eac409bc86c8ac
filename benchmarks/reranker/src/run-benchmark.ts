import { mkdir, stat, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createTinyBertModel, readSciFactSample } from "@hybrid-rag/models/testing";
import { CrossEncoder } from "@hybrid-rag/reranker";
import { type ArchitectureName, architectures } from "./architectures.ts";
import { summarize, timeInterleaved } from "./statistics.ts";
import { createTransformersJsScorer, type PairScorer } from "./transformers-js-scorer.ts";

const { values } = parseArgs({
  // `pnpm bench -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((argument) => argument !== "--"),
  options: {
    models: { type: "string", default: "minilm-l6,bert-base" },
    sizes: { type: "string", default: "100,500" },
    threads: { type: "string", default: "1" },
    runs: { type: "string", default: "3" },
    "peer-batch-sizes": { type: "string", default: "32,all" },
    provider: { type: "string", default: "cpu" },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const modelRoot = join(here, "..", ".cache", "models");
const threads = Number(values.threads);
const runs = Number(values.runs);
const sizes = values.sizes.split(",").map(Number);
const peerBatchSizes = values["peer-batch-sizes"]
  .split(",")
  .map((size) => (size === "all" ? "all" : Number(size)));

const [query] = await readSciFactSample(1, "queries.jsonl");
const corpus = (await readSciFactSample(Math.max(...sizes))).map((document) => document.text);
console.log(
  `CPU: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length}; ${threads} onnxruntime thread(s) for both; Node ${process.version}; load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  `query: "${query!.text}"; passages: the first ${Math.max(...sizes)} SciFact documents (title + abstract); ${runs} interleaved run(s), medians\n`,
);

const header =
  "| model | provider | passages | mean tokens | contender | wall ms | pairs/s (wall) | CPU ms | speed-up (CPU) | speed-up (wall) | max Δlogit |\n" +
  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";
console.log(header);
const lines: string[] = [];
const results: object[] = [];
for (const name of values.models.split(",") as ArchitectureName[]) {
  const architecture = architectures[name];
  const directory = join(modelRoot, name);
  if (!(await stat(join(directory, "onnx", "model.onnx")).catch(() => undefined))) {
    console.log(`(generating ${architecture.label} in ${directory})`);
    await createTinyBertModel(directory, { kind: "cross-encoder", ...architecture, seed: 1 });
  }
  const ours = await CrossEncoder.create({
    model: directory,
    executionProvider: values.provider as "cpu",
    intraOpThreads: threads,
    interOpThreads: 1,
  });
  const peerWith = await createTransformersJsScorer(modelRoot, name, threads);
  const contenders: [string, PairScorer][] = [
    ["hybrid-rag CrossEncoder", (q, passages) => ours.scorePairs(q, passages)],
    ...peerBatchSizes.map((size): [string, PairScorer] => [
      `transformers.js, batch ${size}`,
      peerWith(size),
    ]),
  ];
  // Warm both runtimes up (first runs allocate) on a few pairs.
  for (const [, score] of contenders) await score(query!.text, corpus.slice(0, 4));
  for (const size of sizes) {
    const passages = corpus.slice(0, size);
    const tokens = passages.map((passage) => Math.min(512, ours.countTokens(query!.text, passage)));
    const meanTokens = Math.round(tokens.reduce((a, b) => a + b, 0) / tokens.length);
    const lastScores: Float32Array[] = [];
    const timings = await timeInterleaved(
      contenders.map(([, score], index) => async () => {
        lastScores[index] = await score(query!.text, passages);
      }),
      runs,
    );
    const ourScores = lastScores[0]!;
    const fitting = tokens.flatMap((count, index) => (count < 512 ? [index] : []));
    const ourTiming = summarize(timings[0]!);
    for (const [index, [contender]] of contenders.entries()) {
      const timing = summarize(timings[index]!);
      let difference = 0;
      if (index > 0) {
        // Pairs within 512 tokens must agree; longer ones differ on purpose (transformers.js drops the final [SEP]).
        const theirs = lastScores[index]!;
        difference = Math.max(...fitting.map((item) => Math.abs(ourScores[item]! - theirs[item]!)));
      }
      const row = {
        model: name,
        provider: ours.provider,
        passages: size,
        meanTokens,
        contender,
        wallMs: Math.round(timing.wallMs),
        pairsPerSecond: Number(((size / timing.wallMs) * 1000).toFixed(1)),
        cpuMs: Math.round(timing.cpuMs),
        speedupCpu: Number((timing.cpuMs / ourTiming.cpuMs).toFixed(2)),
        speedupWall: Number((timing.wallMs / ourTiming.wallMs).toFixed(2)),
        maxLogitDifference: difference,
        runs,
        threads,
      };
      results.push(row);
      const line = `| ${name} | ${row.provider} | ${size} | ${meanTokens} | ${contender} | ${row.wallMs} | ${row.pairsPerSecond} | ${row.cpuMs} | ${index === 0 ? "1" : `${row.speedupCpu}×`} | ${index === 0 ? "1" : `${row.speedupWall}×`} | ${index === 0 ? "—" : difference.toExponential(1)} |`;
      lines.push(line);
      console.log(line);
    }
  }
  await ours.release();
}

console.log(
  `\nSpeed-up = transformers.js time / hybrid-rag time (higher is better for hybrid-rag).\n\n${header}\n${lines.join("\n")}`,
);
const resultsDirectory = join(here, "..", "results");
await mkdir(resultsDirectory, { recursive: true });
const file = join(
  resultsDirectory,
  `reranker-${new Date().toISOString().replaceAll(":", "-")}.json`,
);
await writeFile(
  file,
  `${JSON.stringify({ threads, runs, peerBatchSizes, loadAverage: loadavg(), results }, null, 2)}\n`,
);
console.log(`\nwritten to ${file}`);
