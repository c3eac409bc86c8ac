import { HybridRagError } from "@hybrid-rag/core";
import type { BeirDataset } from "@hybrid-rag/eval";
import type { IndexedRetriever } from "./engines.ts";
import type { Progress } from "./progress.ts";

export interface IndexingReport {
  readonly documents: number;
  readonly failed: number;
  /** The first few failures, verbatim. */
  readonly failures: readonly string[];
  readonly durationMs: number;
}

const batchSize = 256;

/** Streams the corpus into an index in batches, with a progress bar; failures are counted, never dropped. */
export async function indexCorpus(
  index: IndexedRetriever,
  dataset: BeirDataset,
  label: string,
  progress: Progress,
): Promise<IndexingReport> {
  const started = performance.now();
  const bar = progress.start(`index ${label}`, dataset.documentCount, "docs");
  let done = 0;
  let failed = 0;
  const failures: string[] = [];
  const flush = async (batch: Parameters<IndexedRetriever["upsert"]>[0]) => {
    const report = await index.upsert(batch);
    done += batch.length;
    failed += report.failed.length;
    for (const failure of report.failed.slice(0, 5 - failures.length)) {
      failures.push(`${failure.id}: ${failure.error.message}`);
    }
    bar.update(done);
  };
  try {
    let batch = [];
    for await (const document of dataset.documents()) {
      batch.push(document);
      if (batch.length === batchSize) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await flush(batch);
  } finally {
    bar.stop();
  }
  if (failed === done && done > 0) {
    throw new HybridRagError(
      "unavailable",
      `Indexing into ${label} failed for all ${done} documents; first error: ${failures[0]}`,
    );
  }
  return { documents: done - failed, failed, failures, durationMs: performance.now() - started };
}
