import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureLlamaShape, type ShapeFigures } from "@hybrid-rag/models/testing";

// Llama-3.2-1B-shaped bidirectional reranker (NVIDIA's llama-3.2-nv-rerankqa-1b-v2 shape,
// random fp16 weights) on this machine's CPU: checkpoint generation, graph build, session
// creation from the built file, tokens/s, at the depths given, through the families' test path
// (whole-file reader, graph in memory: a protobuf holds < 2 GB, so ≤ 2 layers in fp32), the
// forward time scaled to 16 layers. The full 16 layers through the product path (external data,
// graph cache, createCrossEncoder) are measured by measure-llama-1b-product.ts.
//   node benchmarks/reranker/src/decoder-1b/measure-llama-1b.ts --layers 2 --rows 4 --tokens 128
const { values } = parseArgs({
  options: {
    layers: { type: "string", default: "2" },
    rows: { type: "string", default: "4" },
    tokens: { type: "string", default: "128" },
    runs: { type: "string", default: "3" },
    threads: { type: "string", default: "2" },
  },
});
const depths = values.layers.split(",").map(Number);
const figures: ShapeFigures[] = [];
for (const layers of depths) {
  const directory = await mkdtemp(join(tmpdir(), `llama-1b-shape-${layers}-`));
  try {
    const measured = await measureLlamaShape(directory, {
      layers,
      rows: Number(values.rows),
      tokens: Number(values.tokens),
      runs: Number(values.runs),
      threads: Number(values.threads),
    });
    figures.push(measured);
    console.log(JSON.stringify(measured));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
// Embedding lookup, pooling and the score head are a rounding error next to a layer (a gather
// and one [2048] × [2048, 1] product per row), so a pass scales with depth: 16 / layers.
for (const measured of figures) {
  const forwardMs = (measured.forwardMs * 16) / measured.layers;
  console.log(
    JSON.stringify({
      extrapolatedTo16LayersFrom: measured.layers,
      forwardMs: Math.round(forwardMs),
      tokensPerSecond: Number(
        ((Number(values.rows) * Number(values.tokens) * 1000) / forwardMs).toFixed(1),
      ),
    }),
  );
}
