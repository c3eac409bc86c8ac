// Throughput of @hybrid-rag/vector-index (exact search) against the memory-bandwidth bound and
// against peers measured in the same run. Run on demand, not in CI:
//   pnpm --filter @hybrid-rag/benchmark-vector-index bench --sizes 10000,50000,200000 --peer-dir /tmp/peers
//   [--backends int8,hnsw] [--data random|clustered]
import { parseArgs } from "node:util";
import type { Embedder } from "@hybrid-rag/core";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import { measureCopyBandwidth } from "./memory-bandwidth.ts";
import { measureBackend, ourBackends } from "./our-backends.ts";
import { type AnnPeer, hnswlibPeer, usearchPeers } from "./peers.ts";
import { clusteredUnitVectors, randomUnitVectors } from "./random-vectors.ts";
import { measureQueries, recallAtK } from "./timing.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10000,100000" },
    dimension: { type: "string", default: "384" },
    queries: { type: "string", default: "200" },
    "top-k": { type: "string", default: "10" },
    "ann-max-size": { type: "string", default: "100000" },
    "peer-dir": { type: "string" },
    /** Which of our non-default configurations to measure: int8, hnsw (comma list, or none). */
    backends: { type: "string", default: "int8,hnsw" },
    /** random: uniform on the sphere (the worst case for graphs); clustered: around centres. */
    data: { type: "string", default: "random" },
    /** Timed passes over the queries per engine (after the warm-up); the median is reported. */
    rounds: { type: "string", default: "1" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const dimension = Number(values.dimension);
const queryCount = Number(values.queries);
const topK = Number(values["top-k"]);
const annMaxSize = Number(values["ann-max-size"]);
const backends = new Set(values.backends.split(","));
const rounds = Number(values.rounds);
const makeVectors = values.data === "clustered" ? clusteredUnitVectors : randomUnitVectors;

const bandwidth = measureCopyBandwidth();
console.log(
  `node ${process.version}, copy bandwidth ${(bandwidth / 1e9).toFixed(2)} GB/s (Float32Array.set, 256 MiB, best of 5)`,
);
console.log(
  `dimension ${dimension}, top-${topK}, ${queryCount} queries, one thread everywhere at query time, median of ${rounds} timed pass(es)\n`,
);

const { ann: usearchAnn, exact: usearchExact } = await usearchPeers();
const hnswlib = hnswlibPeer(values["peer-dir"]);
if (typeof hnswlib === "string") console.log(`${hnswlib}\n`);
const annPeers: AnnPeer[] = [usearchAnn, ...(typeof hnswlib === "string" ? [] : [hnswlib])];

/** Hands the index precomputed vectors: document text "i" is row i. */
function tableEmbedder(vectors: Float32Array): Embedder {
  const row = (text: string) =>
    vectors.subarray(Number(text) * dimension, (Number(text) + 1) * dimension);
  return {
    name: "precomputed",
    dimension,
    embedPassages: async (texts) => texts.map(row),
    embedQueries: async (texts) => texts.map(row),
  };
}

const rows: string[][] = [];
for (const size of sizes) {
  const vectors = makeVectors(size, dimension, 1);
  const queries = makeVectors(queryCount, dimension, 2);
  const query = (i: number) => queries.subarray(i * dimension, (i + 1) * dimension);
  const index = createVectorIndex({
    embedder: tableEmbedder(vectors),
    metric: "dot",
    embedBatchSize: 10_000,
    initialCapacity: size,
  });
  await index.upsert(
    Array.from({ length: size }, (_, i) => ({
      id: `${i}`,
      text: `${i}`,
      metadata: { bucket: i % 10 },
    })),
  );

  const bytesPerQuery = size * dimension * 4;
  const bound = bandwidth / bytesPerQuery;
  const truth: number[][] = [];
  const ours = measureQueries(
    queryCount,
    (i) => {
      truth[i] = index
        .searchByVector(query(i), { topK, includeDocuments: false })
        .map((hit) => Number(hit.id));
    },
    rounds,
  );
  const filtered = measureQueries(
    queryCount,
    (i) => {
      index.searchByVector(query(i), { topK, includeDocuments: false, filter: { bucket: 3 } });
    },
    rounds,
  );
  const exactPeer = measureQueries(
    queryCount,
    (i) => {
      usearchExact.search(vectors, size, dimension, query(i), topK);
    },
    rounds,
  );
  const row = (name: string, qps: number, median: number, extra = "") => [
    `${size}`,
    name,
    qps.toFixed(0),
    median.toFixed(3),
    `${((qps / bound) * 100).toFixed(0)} %`,
    (qps / ours.queriesPerSecond).toFixed(2),
    extra,
  ];
  rows.push(
    row(
      "memory-bandwidth bound",
      bound,
      1000 / bound,
      `${(bytesPerQuery / 2 ** 20).toFixed(1)} MiB scanned per query`,
    ),
  );
  rows.push(row("vector-index exact", ours.queriesPerSecond, ours.medianMs));
  rows.push(row("vector-index exact, filter 10 %", filtered.queriesPerSecond, filtered.medianMs));
  rows.push(row(usearchExact.name, exactPeer.queriesPerSecond, exactPeer.medianMs));

  for (const [name, options] of Object.entries(ourBackends)) {
    const key = options.backend === "hnsw" ? "hnsw" : "int8";
    if (!backends.has(key)) continue;
    const measured = await measureBackend(
      name,
      options,
      tableEmbedder(vectors),
      size,
      queryCount,
      query,
      topK,
      truth,
      rounds,
    );
    rows.push(
      row(
        name,
        measured.queriesPerSecond,
        measured.medianMs,
        `recall@${topK} ${measured.recall.toFixed(3)}, build ${measured.buildSeconds.toFixed(1)} s, +${(measured.memoryBytes / 2 ** 20).toFixed(0)} MiB RSS`,
      ),
    );
  }

  if (size <= annMaxSize) {
    for (const peer of annPeers) {
      const started = performance.now();
      peer.build(vectors, size, dimension);
      const buildSeconds = (performance.now() - started) / 1000;
      const found: number[][] = [];
      const measured = measureQueries(
        queryCount,
        (i) => {
          found[i] = peer.search(query(i), topK);
        },
        rounds,
      );
      const recall = recallAtK(truth, found);
      rows.push(
        row(
          peer.name,
          measured.queriesPerSecond,
          measured.medianMs,
          `recall@${topK} ${recall.toFixed(3)}, build ${buildSeconds.toFixed(1)} s`,
        ),
      );
    }
  }
}

const header = ["documents", "engine", "queries/s", "p50 ms", "of bound", "× ours", "notes"];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rows.map((row) => row[column]!.length)),
);
const line = (cells: string[]) =>
  `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
console.log(line(header));
console.log(line(widths.map((width) => "-".repeat(width))));
for (const row of rows) console.log(line(row));
