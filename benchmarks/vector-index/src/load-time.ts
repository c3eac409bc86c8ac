// How long a saved @hybrid-rag/vector-index file takes to save and to reopen (median of 3
// loads), with random unit vectors, next to the floor any loader pays on this machine: reading
// the files' bytes (the index, and its HNSW graph) into fresh memory and checksumming them.
// Run on demand:
//   pnpm --filter @hybrid-rag/benchmark-vector-index load-time [--size 1000000] [--dimension 384]
//     [--quantization int8] [--backend hnsw]
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { crc32 } from "node:zlib";
import type { Embedder } from "@hybrid-rag/core";
import { createVectorIndex, loadVectorIndex } from "@hybrid-rag/vector-index";
import { randomUnitVectors } from "./random-vectors.ts";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "1000000" },
    dimension: { type: "string", default: "384" },
    quantization: { type: "string", default: "none" },
    backend: { type: "string", default: "exact" },
  },
});
const size = Number(values.size);
const dimension = Number(values.dimension);
const quantization = values.quantization === "int8" ? "int8" : "none";
const backend = values.backend === "hnsw" ? "hnsw" : "exact";
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const seconds = (since: number) => (performance.now() - since) / 1000;
const median = (runs: number[]) => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
const list = (runs: number[]) => runs.map((s) => s.toFixed(1)).join(", ");

let vectors: Float32Array | undefined = randomUnitVectors(size, dimension, 1);
const embedder: Embedder = {
  name: "precomputed",
  dimension,
  embedPassages: async (texts) =>
    texts.map((text) =>
      vectors!.subarray(Number(text) * dimension, (Number(text) + 1) * dimension),
    ),
  embedQueries: async () => [],
};
const options = { embedder, quantization, backend } as const;
const index = createVectorIndex({
  ...options,
  metric: "dot",
  embedBatchSize: 10_000,
  initialCapacity: size,
});
let started = performance.now();
await index.upsert(Array.from({ length: size }, (_, i) => ({ id: `${i}`, text: `${i}` })));
const buildSeconds = seconds(started);
vectors = undefined; // the index holds them now
const folder = mkdtempSync(join(tmpdir(), "vector-load-"));
try {
  const path = join(folder, "index.hrvi");
  started = performance.now();
  await index.save(path);
  const saveSeconds = seconds(started);
  const files = readdirSync(folder).map((name) => join(folder, name)); // the index and its graph
  const bytes = files.reduce((total, file) => total + statSync(file).size, 0);
  const loads: number[] = [];
  const floors: number[] = [];
  for (let run = 0; run < 3; run++) {
    collect();
    started = performance.now();
    for (const file of files) readAndChecksum(file);
    floors.push(seconds(started));
    collect();
    started = performance.now();
    const loaded = await loadVectorIndex(path, options);
    loads.push(seconds(started));
    if ((await loaded.count()) !== size) throw new Error("lost vectors");
  }
  let rebuilt = "";
  if (quantization === "int8") {
    // The same vectors in a file without int8 rows: loading requantises them instead.
    const plainPath = join(folder, "plain.hrvi");
    await (await loadVectorIndex(path, { embedder })).save(plainPath);
    const requantised: number[] = [];
    for (let run = 0; run < 3; run++) {
      collect();
      started = performance.now();
      await loadVectorIndex(plainPath, options);
      requantised.push(seconds(started));
    }
    rebuilt = `; int8 rows requantised instead of read: load median ${median(requantised).toFixed(1)} s (${list(requantised)})`;
  }
  const graph = backend === "hnsw" ? `, HNSW build ${buildSeconds.toFixed(1)} s` : "";
  console.log(
    `${size} × ${dimension} (${backend}, quantization ${quantization}${graph}): files ${(bytes / 2 ** 20).toFixed(0)} MiB, save ${saveSeconds.toFixed(1)} s, load median ${median(loads).toFixed(1)} s (${list(loads)}); reading its files into fresh memory + CRC-32: median ${median(floors).toFixed(1)} s (${list(floors)}); load ÷ read ${(median(loads) / median(floors)).toFixed(2)}${rebuilt}`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}

/** The floor: a whole file read into fresh memory, 64 MiB per read, and checksummed. */
function readAndChecksum(path: string): number {
  const length = statSync(path).size;
  const bytes = Buffer.allocUnsafe(length);
  const descriptor = openSync(path, "r");
  try {
    for (let done = 0; done < length; ) {
      done += readSync(descriptor, bytes, done, Math.min(2 ** 26, length - done), done);
    }
  } finally {
    closeSync(descriptor);
  }
  return crc32(bytes);
}
