// One measurement of `ingest-pool.ts`, in a fresh process so that its peak memory is its own:
//   node ingest-run.ts <single|pool|ceiling> <folder> <workers>
// Prints one JSON line: wall time, documents, chunks, peak resident memory.

import { createEmbeddedCollection } from "@hybrid-rag/collection";
import { titleAndText } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import {
  createUseLiteEmbedder,
  createUseLiteEmbedderPool,
  loadUseLiteTokenizer,
  useLiteTokenCounter,
} from "@hybrid-rag/embeddings-use";
import { loadFolder } from "@hybrid-rag/loaders";

const [mode, folder, workersText] = process.argv.slice(2) as [string, string, string];
const workers = Number(workersText);
const tokenizer = await loadUseLiteTokenizer();
// As `hybrid-rag ingest --embedding-model use-lite` chunks: 256 tokens of USE-lite's tokenizer.
const chunking = {
  maxTokens: 256,
  tokenCounter: useLiteTokenCounter(tokenizer),
  modelMaxTokens: tokenizer.maxTokens,
};

let result: { ms: number; documents: number; chunks: number };
const cpuBefore = process.cpuUsage();
if (mode === "ceiling") {
  // The pool's own batch throughput: the same chunk texts, embedded in one call, nothing else.
  const chunked = createEmbeddedCollection({ embedder: new HashingEmbedder(8), chunking });
  const summary = await chunked.ingest(loadFolder(folder));
  const texts = [...chunked.store.parents()].flatMap((parent) =>
    chunked.store.chunksOf(parent.id).map(titleAndText),
  );
  const pool = await createUseLiteEmbedderPool({ workers });
  const started = performance.now();
  await pool.embedPassages(texts);
  result = { ms: performance.now() - started, documents: summary.documents, chunks: texts.length };
  await pool.release();
} else {
  // single: the model on the main thread, as ingest ran before the pool (`--workers 0`).
  const embedder =
    mode === "pool" ? await createUseLiteEmbedderPool({ workers }) : await createUseLiteEmbedder();
  const collection = createEmbeddedCollection({ embedder, chunking });
  const summary = await collection.ingest(loadFolder(folder));
  result = { ms: summary.elapsedMs, documents: summary.documents, chunks: summary.chunks };
  console.error(`${mode} stages (ms): ${JSON.stringify(summary.stages)}`);
  if ("workers" in embedder) await embedder.release();
  else embedder.release();
}
const peakMiB = process.resourceUsage().maxRSS / 1024;
const cpu = process.cpuUsage(cpuBefore);
// CPU seconds of the whole process (every thread), to compare runs on a shared machine.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({ mode, ...result, peakMiB, cpuSeconds }));
