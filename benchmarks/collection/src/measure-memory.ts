// Run in a fresh process with --expose-gc by run.ts: loads one layout and prints its memory.
// argv: <"two-indexes" | "collection"> <directory> <dimension>
import { join } from "node:path";
import { loadBm25Index } from "@hybrid-rag/bm25";
import { openCollection } from "@hybrid-rag/collection";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { loadVectorIndex } from "@hybrid-rag/vector-index";

const [layout, directory, dimension] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const embedder = new HashingEmbedder(Number(dimension));

function settled(): number {
  for (let i = 0; i < 4; i++) gc!();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

const before = settled();
let kept: unknown;
if (layout === "two-indexes") {
  kept = [
    await loadBm25Index(join(directory!, "sparse.bm25")),
    await loadVectorIndex(join(directory!, "dense.vectors"), { embedder }),
  ];
} else {
  kept = await openCollection(directory!, { embedder });
}
const after = settled();
process.stdout.write(
  `${JSON.stringify({ layout, bytes: after - before, kept: kept !== undefined })}\n`,
);
