import { performance } from "node:perf_hooks";
import { type Hit, toHybridRagError } from "@hybrid-rag/core";
import type { Run } from "@hybrid-rag/eval";
import type { RunnablePipeline } from "./engines.ts";
import type { Progress } from "./progress.ts";
import { judgedDocumentId } from "./visual/judged-document-id.ts";

export interface ConfigurationRun {
  readonly run: Run;
  /** Per stage (the pipeline's timing keys plus "total"), one duration per query in ms. */
  readonly timings: ReadonlyMap<string, number[]>;
  readonly warnings: readonly string[];
}

/** Runs every query through one pipeline, one at a time (latency is per query, not per batch). */
export async function runConfiguration(
  pipeline: RunnablePipeline,
  queries: ReadonlyMap<string, string>,
  label: string,
  progress: Progress,
): Promise<ConfigurationRun> {
  const run: Run = new Map();
  const timings = new Map<string, number[]>();
  const warnings = new Set<string>();
  const bar = progress.start(label, queries.size, "queries");
  let done = 0;
  try {
    for (const [queryId, text] of queries) {
      const started = performance.now();
      let result: Awaited<ReturnType<RunnablePipeline["run"]>>;
      try {
        result = await pipeline.run(text);
      } catch (error) {
        throw toHybridRagError(error, `Query "${queryId}" in ${label}`);
      }
      const total = performance.now() - started;
      run.set(queryId, judgedRun(result.hits));
      for (const [stage, duration] of Object.entries(result.timings)) {
        // "total" is measured here, around the whole call, the same way for every pipeline.
        if (stage !== "total") record(timings, stage, duration);
      }
      record(timings, "total", total);
      for (const warning of result.warnings ?? []) warnings.add(warning);
      done += 1;
      bar.update(done);
    }
  } finally {
    bar.stop();
  }
  return { run, timings, warnings: [...warnings] };
}

/**
 * A query's ranked list as judged: a page image counts for its document (see
 * `judgedDocumentId`), whose first, best-ranked appearance alone is kept.
 */
function judgedRun(hits: readonly Hit[]): { docId: string; score: number }[] {
  const seen = new Set<string>();
  const ranked: { docId: string; score: number }[] = [];
  for (const hit of hits) {
    const docId = judgedDocumentId(hit);
    if (seen.has(docId)) continue;
    seen.add(docId);
    ranked.push({ docId, score: hit.score });
  }
  return ranked;
}

function record(timings: Map<string, number[]>, stage: string, duration: number): void {
  if (!Number.isFinite(duration)) return;
  const list = timings.get(stage) ?? [];
  list.push(duration);
  timings.set(stage, list);
}
