import { describe, expect, it } from "vitest";
import { renderTables } from "./render-tables.ts";
import { runBenchmark } from "./run-benchmark.ts";
import { systems } from "./systems.ts";

describe("the peers harness on a tiny synthetic corpus", () => {
  it("measures every system in its own process, with metrics in range, and renders the table", async () => {
    const results = await runBenchmark({
      corpora: [{ kind: "synthetic", documents: 400, queries: 30, dimension: 32 }],
      systems: systems.map((system) => system.id),
      runs: 1,
      settings: { timedQueries: 10, warmUpPasses: 1, minTimedSeconds: 0.05, topK: 10 },
      budgets: { buildSeconds: 300, querySeconds: 300 },
      command: "test",
    });
    const [corpus] = results.corpora;
    expect(corpus!.documents).toBe(400);
    expect(corpus!.systems.map((system) => system.id)).toEqual(systems.map((system) => system.id));
    for (const system of corpus!.systems) {
      expect(system.didNotFinish, system.id).toBeUndefined();
      const m = system.median!;
      expect(m.timedQueryCount, system.id).toBeGreaterThanOrEqual(10);
      expect(m.queriesPerSecond, system.id).toBeGreaterThan(0);
      expect(m.buildSeconds, system.id).toBeGreaterThan(0);
      expect(m.ndcgAt10, system.id).toBeLessThanOrEqual(1);
      expect(m.recallAt100, system.id).toBeLessThanOrEqual(1);
      // Every query's answer is planted: each engine finds some of them (Orama's BM25, the
      // weakest here, still finds a tenth).
      expect(m.ndcgAt10, system.id).toBeGreaterThan(0.05);
    }
    // Exact search over the planted vectors: the target is the nearest for nearly every query,
    // and every exact engine agrees.
    const exact = corpus!.systems.filter((system) =>
      ["hybrid-rag-exact", "lancedb-flat", "orama-vectors"].includes(system.id),
    );
    for (const system of exact) expect(system.median!.recallAt100, system.id).toBeGreaterThan(0.9);
    expect(new Set(exact.map((system) => system.median!.ndcgAt10.toFixed(6))).size).toBe(1);
    // The same BM25 words: hybrid-rag and LanceDB's full-text search find the planted documents.
    for (const id of ["hybrid-rag-bm25", "lancedb-fts"]) {
      expect(
        corpus!.systems.find((system) => system.id === id)!.median!.recallAt100,
        id,
      ).toBeGreaterThan(0.8);
    }
    const table = renderTables(results);
    for (const system of systems) expect(table).toContain(`| ${system.label} |`);
    expect(table).toContain(`${results.machine.cores} cores, Node ${results.machine.node}`);
  }, 600_000); // 14 child processes: seconds on a quiet machine, minutes on a loaded one
});
