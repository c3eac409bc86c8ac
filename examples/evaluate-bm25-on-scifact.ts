// Evaluates the embedded BM25 on BEIR SciFact (5,183 abstracts, 300 test queries) with the
// trec_eval-exact metrics of @hybrid-rag/eval. The dataset is read from ../shared/datasets/scifact
// (relative to the repository root) unless a folder is given as the first argument.
import { resolve } from "node:path";
import { createBm25Index } from "@hybrid-rag/bm25";
import type { Document } from "@hybrid-rag/core";
import { evaluateRun, loadBeirDataset, type Run, type RunEvaluation } from "@hybrid-rag/eval";
import { runWhenExecuted } from "./run-when-executed.ts";

const defaultDataset = resolve(import.meta.dirname, "../../shared/datasets/scifact");

export async function main(folder = process.argv[2] ?? defaultDataset): Promise<RunEvaluation> {
  const dataset = await loadBeirDataset(folder, { split: "test" });
  const bm25 = createBm25Index({ analyzer: "english" });
  // The corpus is streamed: documents are indexed in batches, never all held as JSON lines.
  let batch: Document[] = [];
  for await (const document of dataset.documents()) {
    batch.push(document);
    if (batch.length === 1_000) {
      await bm25.upsert(batch);
      batch = [];
    }
  }
  await bm25.upsert(batch);

  const run: Run = new Map();
  for (const [queryId, text] of dataset.queries) {
    const hits = await bm25.retrieve(text, { topK: 100, includeDocuments: false });
    run.set(
      queryId,
      hits.map((hit) => ({ docId: hit.id, score: hit.score })),
    );
  }
  const evaluation = evaluateRun(run, dataset.qrels, ["ndcg@10", "recall@5"]);
  console.log(`BM25 (english analyzer, k1 1.2, b 0.75) on ${folder}`);
  console.log(`documents ${await bm25.count()}, queries ${evaluation.queryCount}`);
  for (const metric of evaluation.metrics) {
    console.log(`${metric.padEnd(9)} ${evaluation.mean[metric]!.toFixed(4)}`);
  }
  return evaluation;
}

runWhenExecuted(import.meta.url, main);
