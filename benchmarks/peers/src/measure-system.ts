import { evaluateRun, type Run } from "@hybrid-rag/eval";
import type { ChildMessage } from "./child-messages.ts";
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
 * `report` hears each phase start and end and the progress within it (none during the timed
 * passes, which it would slow).
 */
export async function measureSystem(
  system: PeerSystem,
  corpus: Corpus,
  settings: MeasureSettings,
  report: (message: ChildMessage) => void = () => {},
): Promise<SystemMeasurement> {
  const before = memory();
  report({ type: "build-started", total: corpus.documents.length });
  const started = performance.now();
  await system.build(corpus, (done) => report({ type: "build-progress", done }));
  const buildSeconds = (performance.now() - started) / 1000;
  const after = memory();
  const rssDeltaBytes = after.rss - before.rss;
  const heapDeltaBytes = after.heap - before.heap;
  const total = corpus.queries.length;
  report({ type: "built", buildSeconds, rssDeltaBytes, heapDeltaBytes, total });

  const run: Run = new Map();
  const progressStep = Math.max(1, Math.floor(total / 100));
  for (const [queryIndex, query] of corpus.queries.entries()) {
    const ids = await system.search(queryIndex, 100);
    // Scores from ranks, so the evaluator keeps the engine's own order.
    run.set(
      query.id,
      ids.map((docId, rank) => ({ docId, score: ids.length - rank })),
    );
    if ((queryIndex + 1) % progressStep === 0) {
      report({ type: "quality-progress", done: queryIndex + 1 });
    }
  }
  const evaluation = evaluateRun(run, corpus.qrels, ["ndcg@10", "recall@100"]);
  const ndcgAt10 = evaluation.mean["ndcg@10"]!;
  const recallAt100 = evaluation.mean["recall@100"]!;
  report({
    type: "quality-done",
    ndcgAt10,
    recallAt100,
    total: settings.warmUpPasses * settings.timedQueries,
  });

  const timed = Array.from(
    { length: settings.timedQueries },
    (_, index) => index % corpus.queries.length,
  );
  const pass = async () => {
    for (const queryIndex of timed) await system.search(queryIndex, settings.topK);
  };
  for (let warm = 0; warm < settings.warmUpPasses; warm++) {
    await pass();
    report({ type: "throughput-progress", done: (warm + 1) * timed.length });
  }
  let passes = 0;
  const timingStarted = performance.now();
  do {
    await pass();
    passes++;
  } while ((performance.now() - timingStarted) / 1000 < settings.minTimedSeconds);
  const timedSeconds = (performance.now() - timingStarted) / 1000;
  return {
    ndcgAt10,
    recallAt100,
    buildSeconds,
    rssDeltaBytes,
    heapDeltaBytes,
    queriesPerSecond: (passes * timed.length) / timedSeconds,
    timedQueryCount: passes * timed.length,
  };
}
