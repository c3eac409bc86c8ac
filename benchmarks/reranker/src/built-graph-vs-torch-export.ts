// The MiniLM-L6 shape built from safetensors by @hybrid-rag/models against the same weights
// exported by PyTorch (torch.onnx.export of packages/models/reference, opset 17), in one run:
// the same pairs, the same onnxruntime-node, the same threads, interleaved, medians.
//
//   node benchmarks/reranker/src/built-graph-vs-torch-export.ts [--runs 7] [--pairs 64] [--threads 1]
//     [--other <model.onnx>]   a third contender timed in the same run (e.g. an earlier build)
import { execFile } from "node:child_process";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { uptime as systemUptime } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { createOnnxSession, type GraphEvent, loadModelDirectory } from "@hybrid-rag/models";
import { batchFeeds, padBatch } from "@hybrid-rag/models/internal";
import {
  createSafetensorsModel,
  readSciFactSample,
  referenceDirectory,
  referencePython,
} from "@hybrid-rag/models/testing";
import { median, summarize, timeInterleaved } from "./statistics.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    pairs: { type: "string", default: "64" },
    threads: { type: "string", default: "1" },
    "max-length": { type: "string", default: "256" },
    other: { type: "string" },
  },
});
const runs = Number(values.runs);
const pairCount = Number(values.pairs);
const threads = Number(values.threads);
const maxLength = Number(values["max-length"]);

const here = dirname(fileURLToPath(import.meta.url));
const cacheRoot = join(here, "..", ".cache");
const modelDirectory = join(cacheRoot, "models", "minilm-l6-safetensors");
const exportPath = join(cacheRoot, "models", "minilm-l6-torch-export", "model.onnx");

if (!(await exists(join(modelDirectory, "model.safetensors")))) {
  await createSafetensorsModel(modelDirectory, {
    family: "bert",
    task: "cross-encoder",
    layers: 6,
    hidden: 384,
    heads: 12,
    intermediate: 1536,
  });
}
if (!(await exists(exportPath))) {
  await mkdir(dirname(exportPath), { recursive: true });
  await promisify(execFile)(
    referencePython,
    [join(referenceDirectory, "export_onnx.py"), modelDirectory, "cross-encoder", exportPath],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

const events: GraphEvent[] = [];
const graphCacheDirectory = join(cacheRoot, "graphs");
const model = await loadModelDirectory(modelDirectory, {
  task: "cross-encoder",
  graphCacheDirectory,
  onGraph: (event) => events.push(event),
});
const sessionOptions = {
  executionProvider: "cpu" as const,
  intraOpThreads: threads,
  interOpThreads: 1,
};
const built = await createOnnxSession(model.onnxPath, sessionOptions);
const exported = await createOnnxSession(exportPath, sessionOptions);
const other =
  values.other === undefined ? undefined : await createOnnxSession(values.other, sessionOptions);

// SciFact's first query against its first documents, cut at maxLength, batches of 16 by length.
const [query] = await readSciFactSample(1, "queries.jsonl");
const documents = await readSciFactSample(pairCount);
const tokenizer = model.tokenizer;
const queryTokens = tokenizer.tokenize(query!.text);
const encoded = documents
  .map((document) => {
    const passage = tokenizer.tokenize(document.text).slice(0, maxLength - queryTokens.length - 3);
    return tokenizer.assemble(queryTokens, passage);
  })
  .sort((a, b) => a.ids.length - b.ids.length);
const batches: ReturnType<typeof padBatch>[] = [];
for (let start = 0; start < encoded.length; start += 16) {
  batches.push(padBatch(encoded.slice(start, start + 16), tokenizer.padId));
}
const scoreAll = async (session: typeof built): Promise<Float32Array> => {
  const logits: number[] = [];
  for (const batch of batches) {
    const outputs = await session.session.run(batchFeeds(batch, session.inputNames));
    logits.push(...(outputs.logits!.data as Float32Array));
  }
  return Float32Array.from(logits);
};

const ours = await scoreAll(built);
const theirs = await scoreAll(exported);
const maxDifference = Math.max(...ours.map((logit, index) => Math.abs(logit - theirs[index]!)));
const loadAverageBefore = await loadAverage();
const contenders = [
  () => scoreAll(built),
  () => scoreAll(exported),
  () => scoreAll(exported),
  () => scoreAll(built),
];
if (other) contenders.push(() => scoreAll(other));
const [builtTimings, exportedTimings, otherTimings] = await timeInterleaved(contenders, runs).then(
  ([a, b, c, d, e]) => [[...a!, ...d!], [...b!, ...c!], e],
);
const otherLogits = other ? await scoreAll(other) : undefined;
const builtSummary = summarize(builtTimings!);
const exportedSummary = summarize(exportedTimings!);
const tokens = encoded.reduce((sum, item) => sum + item.ids.length, 0);
const result = {
  shape:
    "MiniLM-L6-H384 (6 layers, hidden 384, 12 heads, FFN 1536), bert-base-uncased vocabulary, random weights",
  pairs: encoded.length,
  tokens,
  threads,
  runs: builtTimings!.length,
  builtGraph: {
    path: model.onnxPath,
    ...builtSummary,
    pairsPerSecond: (encoded.length * 1000) / builtSummary.wallMs,
  },
  torchExport: {
    path: exportPath,
    ...exportedSummary,
    pairsPerSecond: (encoded.length * 1000) / exportedSummary.wallMs,
  },
  ...(otherTimings && otherLogits
    ? {
        other: {
          path: values.other,
          ...summarize(otherTimings),
          maxDifference: Math.max(
            ...otherLogits.map((logit, index) => Math.abs(logit - theirs[index]!)),
          ),
        },
      }
    : {}),
  speedWall: exportedSummary.wallMs / builtSummary.wallMs,
  speedCpu: exportedSummary.cpuMs / builtSummary.cpuMs,
  perRunRatioMedian: median(
    builtTimings!.map((timing, index) => exportedTimings![index]!.wallMs / timing.wallMs),
  ),
  maxDifference,
  graphBuild: events.map((event) => ({ kind: event.kind, milliseconds: event.milliseconds })),
  loadAverage: { before: loadAverageBefore, after: await loadAverage() },
  machineUptimeSeconds: Math.round(systemUptime()),
};
console.log(JSON.stringify(result, null, 2));
await mkdir(join(here, "..", "results"), { recursive: true });
await writeFile(
  join(here, "..", "results", "built-graph-vs-torch-export.json"),
  `${JSON.stringify(result, null, 2)}\n`,
);
await built.release();
await exported.release();
await other?.release();

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function loadAverage(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  return (await readFile("/proc/loadavg", "utf8").catch(() => "")).split(" ").slice(0, 3).join(" ");
}
