// How long a saved @hybrid-rag/bm25 index takes to reopen (median of 3 loads), on the synthetic
// corpus of the benchmark, next to the floor of any loader that keeps the file in memory (reading
// it and checking its CRC-32), and the index's memory after building and after reopening. Run on
// demand:
//   pnpm --filter @hybrid-rag/benchmark-bm25 load-time [--docs 1000000]

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { crc32 } from "node:zlib";
import { type Bm25Index, createBm25Index, loadBm25Index } from "@hybrid-rag/bm25";
import { synthetic } from "./corpora.ts";

/**
 * Live heap after full collections, as `measure.ts` counts it (V8 heap + array buffers), with a
 * pause between them: the backing stores of large dead buffers are released after the collection
 * that finds them, so a measure taken at once can still count a dropped index or file.
 */
const usedMemory = async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc (pnpm load-time does)");
  for (let pass = 0; pass < 3; pass++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const seconds = (values: number[]) => values.map((value) => value.toFixed(1)).join(", ");
const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const { values } = parseArgs({ options: { docs: { type: "string", default: "1000000" } } });
const corpus = synthetic(Number(values.docs));
let before = await usedMemory();
let index: Bm25Index | undefined = createBm25Index({ batchSize: 10_000 });
await index.upsert(corpus.documents);
const builtBytes = (await usedMemory()) - before;
const folder = mkdtempSync(join(tmpdir(), "bm25-load-"));
try {
  const path = join(folder, "index.bm25");
  let started = performance.now();
  await index.save(path);
  const saveSeconds = (performance.now() - started) / 1000;
  index = undefined;
  before = await usedMemory();
  const loads: number[] = [];
  let loaded: Bm25Index | undefined;
  for (let run = 0; run < 3; run++) {
    loaded = undefined;
    await usedMemory();
    started = performance.now();
    loaded = await loadBm25Index(path);
    loads.push((performance.now() - started) / 1000);
    if ((await loaded.count()) !== corpus.documents.length) throw new Error("lost documents");
  }
  const reopenedBytes = (await usedMemory()) - before;
  loaded = undefined;
  const floors: number[] = [];
  for (let run = 0; run < 3; run++) {
    await usedMemory();
    started = performance.now();
    crc32(await readFile(path));
    floors.push((performance.now() - started) / 1000);
  }
  console.log(
    `${corpus.name}: file ${megabytes(statSync(path).size)}, save ${saveSeconds.toFixed(1)} s, ` +
      `load median ${median(loads).toFixed(1)} s (${seconds(loads)}); ` +
      `reading the file + CRC-32 alone: median ${median(floors).toFixed(1)} s (${seconds(floors)}); ` +
      `memory after building ${megabytes(builtBytes)} (documents not counted: the caller holds them), ` +
      `after reopening ${megabytes(reopenedBytes)} (documents included, as the file's bytes)`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
