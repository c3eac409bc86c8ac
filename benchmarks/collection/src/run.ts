import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBm25Index } from "@hybrid-rag/bm25";
import { createEmbeddedCollection } from "@hybrid-rag/collection";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { loadFolder } from "@hybrid-rag/loaders";
import { sharedDirectory } from "@hybrid-rag/models/testing";
import { createVectorIndex } from "@hybrid-rag/vector-index";
import { Command } from "commander";

const options = new Command("collection-bench")
  .option("--runs <n>", "repetitions (medians are reported)", "3")
  .option("--dimension <n>", "vector length of the hashing embedder", "384")
  .option("--max-tokens <n>", "chunk size", "256")
  .parse()
  .opts<{ runs: string; dimension: string; maxTokens: string }>();
const runs = Number(options.runs);
const dimension = Number(options.dimension);
const scifact = join(sharedDirectory, "datasets/scifact");
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

const work = await mkdtemp(join(tmpdir(), "collection-bench-"));
try {
  // 1. Ingest throughput: load (BEIR corpus.jsonl) → chunk → BM25 + hashing vectors + store.
  const ingest: Array<{ ms: number; documents: number; chunks: number }> = [];
  let collection = createEmbeddedCollection({ embedder: new HashingEmbedder(dimension) });
  for (let run = 0; run < runs; run++) {
    collection = createEmbeddedCollection({
      embedder: new HashingEmbedder(dimension),
      chunking: { maxTokens: Number(options.maxTokens) },
    });
    const summary = await collection.ingest(loadFolder(scifact));
    ingest.push({ ms: summary.elapsedMs, documents: summary.documents, chunks: summary.chunks });
  }
  const ms = median(ingest.map((run) => run.ms));
  const { documents, chunks } = ingest[0]!;

  // 2. Memory: the saved collection reopened vs the two indexes each saved with its own documents.
  const collectionDirectory = join(work, "collection");
  await collection.save(collectionDirectory);
  const twoIndexes = join(work, "two-indexes");
  const storeChunks = [...collection.store.parents()].flatMap((parent) =>
    collection.store.chunksOf(parent.id),
  );
  const bm25 = createBm25Index({ name: "bm25" });
  const dense = createVectorIndex({ embedder: new HashingEmbedder(dimension), name: "dense" });
  await bm25.upsert(storeChunks);
  await dense.upsert(storeChunks);
  await mkdir(twoIndexes);
  await bm25.save(join(twoIndexes, "sparse.bm25"));
  await dense.save(join(twoIndexes, "dense.vectors"));
  const textBytes = storeChunks.reduce(
    (sum, chunk) => sum + Buffer.byteLength(chunk.text) + Buffer.byteLength(chunk.title ?? ""),
    0,
  );
  const measure = (layout: string, directory: string) => {
    const values: number[] = [];
    for (let run = 0; run < runs; run++) {
      const output = execFileSync(process.execPath, [
        "--expose-gc",
        "--experimental-strip-types",
        "--disable-warning=ExperimentalWarning",
        fileURLToPath(new URL("./measure-memory.ts", import.meta.url)),
        layout,
        directory,
        String(dimension),
      ]);
      values.push((JSON.parse(output.toString()) as { bytes: number }).bytes);
    }
    return median(values);
  };
  const separate = measure("two-indexes", twoIndexes);
  const sharedCollection = measure("collection", collectionDirectory);

  console.log(
    `SciFact: ${documents} documents → ${chunks} chunks (max ${options.maxTokens} tokens), hashing embedder ${dimension}d, ${runs} runs, medians`,
  );
  console.log(`| measure | value |\n| --- | ---: |`);
  console.log(`| ingest wall time | ${(ms / 1000).toFixed(2)} s |`);
  console.log(
    `| ingest throughput | ${(documents / (ms / 1000)).toFixed(0)} docs/s, ${(chunks / (ms / 1000)).toFixed(0)} chunks/s |`,
  );
  console.log(`| chunk text + titles (UTF-8) | ${mib(textBytes)} MiB |`);
  console.log(`| two indexes, each loaded from its own file (today) | ${mib(separate)} MiB |`);
  console.log(
    `| collection reopened (BM25 + vectors + one store) | ${mib(sharedCollection)} MiB |`,
  );
  console.log(`| collection ÷ two indexes | ${(sharedCollection / separate).toFixed(2)} |`);
} finally {
  await rm(work, { recursive: true, force: true });
}
