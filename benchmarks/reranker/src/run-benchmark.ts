import { mkdir, stat, writeFile } from "node:fs/promises";
import { availableParallelism, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createTinyBertModel, readSciFactSample } from "@hybrid-rag/models/testing";
import { CrossEncoder } from "@hybrid-rag/reranker";
import { type ArchitectureName, architectures } from "./architectures.ts";
import { median, timeRuns } from "./statistics.ts";
import { createTransformersJsScorer } from "./transformers-js-scorer.ts";

const { values } = parseArgs({
  options: {
    models: { type: "string", default: "minilm-l6,bert-base" },
    sizes: { type: "string", default: "100,500" },
    threads: { type: "string", default: String(availableParallelism()) },
    runs: { type: "string", default: "3" },
    warmups: { type: "string", default: "1" },
    "peer-batch-size": { type: "string", default: "32" },
    provider: { type: "string", default: "cpu" },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const modelRoot = join(here, "..", ".cache", "models");
const threads = Number(values.threads);
const runs = Number(values.runs);
const warmups = Number(values.warmups);
const sizes = values.sizes.split(",").map(Number);
const peerBatchSize = Number(values["peer-batch-size"]);

const [query] = await readSciFactSample(1, "queries.jsonl");
const corpus = (await readSciFactSample(Math.max(...sizes))).map((document) => document.text);
console.log(
  `CPU: ${cpus()[0]?.model ?? "unknown"} × ${cpus().length} (using ${threads} threads); Node ${process.version}`,
);
console.log(
  `query: "${query!.text}"; passages: the first ${Math.max(...sizes)} SciFact documents (title + abstract)\n`,
);

const rows: string[] = [];
const results: object[] = [];
for (const name of values.models.split(",") as ArchitectureName[]) {
  const architecture = architectures[name];
  const directory = join(modelRoot, name);
  if (!(await stat(join(directory, "onnx", "model.onnx")).catch(() => undefined))) {
    console.log(`generating ${architecture.label} in ${directory} …`);
    await createTinyBertModel(directory, { kind: "cross-encoder", ...architecture, seed: 1 });
  }
  const ours = await CrossEncoder.create({
    model: directory,
    executionProvider: values.provider as "cpu",
    intraOpThreads: threads,
    interOpThreads: 1,
  });
  const peer = await createTransformersJsScorer(modelRoot, name, threads, peerBatchSize);
  for (const size of sizes) {
    const passages = corpus.slice(0, size);
    const tokens = passages.map((passage) => Math.min(512, ours.countTokens(query!.text, passage)));
    const ourTimes = await timeRuns(() => ours.scorePairs(query!.text, passages), runs, warmups);
    const peerTimes = await timeRuns(() => peer(query!.text, passages), runs, warmups);
    const ourScores = await ours.scorePairs(query!.text, passages);
    const peerScores = await peer(query!.text, passages);
    // Pairs that fit in 512 tokens score identically; longer ones differ because transformers.js drops the final [SEP].
    const fitting = tokens
      .map((count, index) => (count < 512 ? index : -1))
      .filter((index) => index >= 0);
    const agreement = Math.max(
      ...fitting.map((index) => Math.abs(ourScores[index]! - peerScores[index]!)),
    );
    const ourMs = median(ourTimes);
    const peerMs = median(peerTimes);
    const row = {
      model: name,
      provider: ours.provider,
      passages: size,
      meanTokens: Math.round(tokens.reduce((a, b) => a + b, 0) / tokens.length),
      oursMs: Math.round(ourMs),
      oursPairsPerSecond: Math.round((size / ourMs) * 1000),
      transformersJsMs: Math.round(peerMs),
      transformersJsPairsPerSecond: Math.round((size / peerMs) * 1000),
      speedup: Number((peerMs / ourMs).toFixed(2)),
      maxLogitDifference: agreement,
      runs,
      threads,
    };
    results.push(row);
    const line = `| ${name} | ${row.provider} | ${size} | ${row.meanTokens} | ${row.oursMs} | ${row.oursPairsPerSecond} | ${row.transformersJsMs} | ${row.transformersJsPairsPerSecond} | **${row.speedup}×** | ${agreement.toExponential(1)} |`;
    rows.push(line);
    console.log(line);
  }
  await ours.release();
}

console.log(
  "\n| model | provider | passages | mean tokens | ours ms | ours pairs/s | transformers.js ms | transformers.js pairs/s | speed-up | max Δlogit (pairs ≤ 512 tokens) |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const line of rows) console.log(line);
const resultsDirectory = join(here, "..", "results");
await mkdir(resultsDirectory, { recursive: true });
const file = join(
  resultsDirectory,
  `reranker-${new Date().toISOString().replaceAll(":", "-")}.json`,
);
await writeFile(
  file,
  `${JSON.stringify({ threads, runs, warmups, peerBatchSize, results }, null, 2)}\n`,
);
console.log(`\nwritten to ${file}`);
