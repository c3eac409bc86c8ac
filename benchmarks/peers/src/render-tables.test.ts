import { describe, expect, it } from "vitest";
import type { SystemMeasurement } from "./measure-system.ts";
import { renderTables } from "./render-tables.ts";
import type { PeersResults } from "./results.ts";

const measured: SystemMeasurement = {
  ndcgAt10: 0.5,
  recallAt100: 0.75,
  buildSeconds: 12.345,
  rssDeltaBytes: 100 * 2 ** 20,
  heapDeltaBytes: 40 * 2 ** 20,
  queriesPerSecond: 1234.5,
  timedQueryCount: 500,
};

const results: PeersResults = {
  machine: { cpu: "Test CPU", cores: 2, node: "24.0.0", platform: "linux test" },
  settings: { runs: 1, timedQueries: 50, warmUpPasses: 2, minTimedSeconds: 1, topK: 10 },
  peers: { engine: "1.0.0" },
  corpora: [
    {
      name: "synthetic 1,000",
      command: "pnpm bench",
      date: "2026-12-07",
      loadAverage: [3.04, 4.96],
      runsAsked: 3,
      budgets: { buildSeconds: 600, querySeconds: 180 },
      documents: 1000,
      queries: 100,
      vectors: "random",
      systems: [
        { id: "done", label: "Done", kind: "bm25", runs: [measured], median: measured },
        {
          id: "slow-queries",
          label: "Slow queries",
          kind: "vectors",
          runs: [],
          partial: { buildSeconds: 3, rssDeltaBytes: 2 ** 20, heapDeltaBytes: 0 },
          didNotFinish: {
            phase: "quality",
            budgetSeconds: 180,
            seconds: 180.2,
            done: 40,
            total: 100,
          },
        },
      ],
    },
  ],
};

describe("renderTables", () => {
  it("renders finished rows, and DNF rows with the figures measured before the kill", () => {
    const table = renderTables(results);
    expect(table).toContain("(2026-12-07; 3 runs asked; load average 3.0 before, 5.0 after)");
    expect(table).toContain("| BM25 | Done | 0.5000 | 0.7500 | 12.35 | 100 | 40 | 1,235 | 1 |");
    expect(table).toContain("| vectors | Slow queries | DNF | DNF | 3.00 | 1 | 0 | DNF | 0 |");
    expect(table).toContain("Budgets per run: build 600 s, queries 180 s;");
    expect(table).toContain(
      "- DNF, Slow queries: quality: 40 of 100 judged queries answered in 180 s (budget 180 s).",
    );
  });
});
