import { evaluateRun, type Run } from "@hybrid-rag/eval";
import type { Corpus } from "./corpus.ts";
import type { PeerSystem } from "./peer-system.ts";

export interface MeasureSettings {
  /** Queries timed (the first n of the corpus's, cycled if it has fewer); the same for every system. */
  readonly timedQueries: number;
  /** Passes over the timed queries before timing, the same for every system. */
  readonly warmUpPasses: number;
  /** Timed passes repeat until at least this long. */
  readonly minTimedSeconds: number;
  /** Hits per timed query. */
  readonly topK: number;
}

export interface SystemMeasurement {
  readonly ndcgAt10: number;
  readonly recallAt100: number;
  readonly buildSeconds: number;
  /** Resident set growth over the build (native memory included: LanceDB, usearch). */
  readonly rssDeltaBytes: number;
  /** V8 heap + external (array buffers) growth over the build, after full GCs. */
  readonly heapDeltaBytes: number;
  readonly queriesPerSecond: number;
  readonly timedQueryCount: number;
}

const collect = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run the measurement with node --expose-gc (pnpm bench does)");
  gc();
  gc();
};

const memory = () => {
  collect();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.external };
};

/**
 * Builds one system over the corpus and measures it: memory before and after the build (the
 * corpus is already loaded, so only the index counts), quality over every judged query at depth
 * 100 (ranks as the engine returned them), then throughput after the same warm-up for everyone.
 */
export async function measureSystem(
  system: PeerSystem,
  corpus: Corpus,
  settings: MeasureSettings,
): Promise<SystemMeasurement> {
  const before = memory();
  const started = performance.now();
  await system.build(corpus);
  const buildSeconds = (performance.now() - started) / 1000;
  const after = memory();

  const run: Run = new Map();
  for (const [queryIndex, query] of corpus.queries.entries()) {
    const ids = await system.search(queryIndex, 100);
    // Scores from ranks, so the evaluator keeps the engine's own order.
    run.set(
      query.id,
      ids.map((docId, rank) => ({ docId, score: ids.length - rank })),
    );
  }
  const evaluation = evaluateRun(run, corpus.qrels, ["ndcg@10", "recall@100"]);

  const timed = Array.from(
    { length: settings.timedQueries },
    (_, index) => index % corpus.queries.length,
  );
  const pass = async () => {
    for (const queryIndex of timed) await system.search(queryIndex, settings.topK);
  };
  for (let warm = 0; warm < settings.warmUpPasses; warm++) await pass();
  let passes = 0;
  const timingStarted = performance.now();
  do {
    await pass();
    passes++;
  } while ((performance.now() - timingStarted) / 1000 < settings.minTimedSeconds);
  const timedSeconds = (performance.now() - timingStarted) / 1000;
  return {
    ndcgAt10: evaluation.mean["ndcg@10"]!,
    recallAt100: evaluation.mean["recall@100"]!,
    buildSeconds,
    rssDeltaBytes: after.rss - before.rss,
    heapDeltaBytes: after.heap - before.heap,
    queriesPerSecond: (passes * timed.length) / timedSeconds,
    timedQueryCount: passes * timed.length,
  };
}
