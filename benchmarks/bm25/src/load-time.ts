// How long a saved @hybrid-rag/bm25 index takes to reopen (median of 3 loads), on the synthetic
// corpus of the benchmark. Run on demand:
//   pnpm --filter @hybrid-rag/benchmark-bm25 load-time [--docs 1000000]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createBm25Index, loadBm25Index } from "@hybrid-rag/bm25";
import { synthetic } from "./corpora.ts";

const { values } = parseArgs({ options: { docs: { type: "string", default: "1000000" } } });
const corpus = synthetic(Number(values.docs));
const index = createBm25Index({ batchSize: 10_000 });
await index.upsert(corpus.documents);
const folder = mkdtempSync(join(tmpdir(), "bm25-load-"));
try {
  const path = join(folder, "index.bm25");
  let started = performance.now();
  await index.save(path);
  const saveSeconds = (performance.now() - started) / 1000;
  const loads: number[] = [];
  for (let run = 0; run < 3; run++) {
    started = performance.now();
    const loaded = await loadBm25Index(path);
    loads.push((performance.now() - started) / 1000);
    if ((await loaded.count()) !== corpus.documents.length) throw new Error("lost documents");
  }
  loads.sort((a, b) => a - b);
  console.log(
    `${corpus.name}: file ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB, save ${saveSeconds.toFixed(1)} s, load median ${loads[1]!.toFixed(1)} s (${loads.map((s) => s.toFixed(1)).join(", ")})`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
