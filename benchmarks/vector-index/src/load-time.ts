// How long a saved @hybrid-rag/vector-index file takes to reopen (median of 3 loads), with
// random unit vectors. Run on demand:
//   pnpm --filter @hybrid-rag/benchmark-vector-index load-time [--size 1000000] [--dimension 384]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Embedder } from "@hybrid-rag/core";
import { createVectorIndex, loadVectorIndex } from "@hybrid-rag/vector-index";
import { randomUnitVectors } from "./random-vectors.ts";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "1000000" },
    dimension: { type: "string", default: "384" },
  },
});
const size = Number(values.size);
const dimension = Number(values.dimension);
const vectors = randomUnitVectors(size, dimension, 1);
const embedder: Embedder = {
  name: "precomputed",
  dimension,
  embedPassages: async (texts) =>
    texts.map((text) => vectors.subarray(Number(text) * dimension, (Number(text) + 1) * dimension)),
  embedQueries: async () => [],
};
const index = createVectorIndex({
  embedder,
  metric: "dot",
  embedBatchSize: 10_000,
  initialCapacity: size,
});
await index.upsert(Array.from({ length: size }, (_, i) => ({ id: `${i}`, text: `${i}` })));
const folder = mkdtempSync(join(tmpdir(), "vector-load-"));
try {
  const path = join(folder, "index.hrvi");
  let started = performance.now();
  await index.save(path);
  const saveSeconds = (performance.now() - started) / 1000;
  const loads: number[] = [];
  for (let run = 0; run < 3; run++) {
    started = performance.now();
    const loaded = await loadVectorIndex(path, { embedder });
    loads.push((performance.now() - started) / 1000);
    if ((await loaded.count()) !== size) throw new Error("lost vectors");
  }
  loads.sort((a, b) => a - b);
  console.log(
    `${size} × ${dimension}: file ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB, save ${saveSeconds.toFixed(1)} s, load median ${loads[1]!.toFixed(1)} s (${loads.map((s) => s.toFixed(1)).join(", ")})`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
