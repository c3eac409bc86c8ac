import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeDidNotFinish } from "./did-not-finish.ts";
import { renderTables } from "./render-tables.ts";
import { runBenchmark } from "./run-benchmark.ts";
import { runChild } from "./run-child.ts";

const systemsModule = fileURLToPath(new URL("testing/fake-systems.ts", import.meta.url));
const corpus = { kind: "synthetic", documents: 400, queries: 30, dimension: 8 } as const;
const settings = { timedQueries: 10, warmUpPasses: 1, minTimedSeconds: 0.05, topK: 10 };

describe("per-system budgets", () => {
  it("kills a build past its budget and says how far it got, reports a crash, and keeps measuring the others", async () => {
    const results = await runBenchmark({
      corpora: [corpus],
      systems: ["fake-finishes", "fake-crashes", "fake-endless-build"],
      runs: 2,
      settings,
      budgets: { buildSeconds: 2, querySeconds: 60 },
      command: "test",
      systemsModule,
    });
    const [finished, crashed, endless] = results.corpora[0]!.systems;
    expect(finished!.runs).toHaveLength(2);
    expect(finished!.median!.ndcgAt10).toBe(1);
    expect(finished!.didNotFinish).toBeUndefined();

    // A crash is reported with its error, and the others still run.
    expect(crashed!.runs).toEqual([]);
    expect(crashed!.failure).toMatch(/RangeError: Maximum call stack size exceeded \(on purpose\)/);

    // Killed once, not run again in the second round; nothing measured.
    expect(endless!.runs).toEqual([]);
    expect(endless!.median).toBeUndefined();
    expect(endless!.partial).toEqual({});
    expect(endless!.didNotFinish).toMatchObject({
      phase: "build",
      budgetSeconds: 2,
      done: 200,
      total: 400,
    });
    expect(endless!.didNotFinish!.seconds).toBeGreaterThanOrEqual(2);
    expect(results.corpora[0]!.budgets).toEqual({ buildSeconds: 2, querySeconds: 60 });

    const table = renderTables(results);
    expect(table).toContain(
      "| BM25 | Fake endless build | DNF | DNF | DNF | DNF | DNF | DNF | 0 |",
    );
    expect(table).toContain(
      `- DNF, Fake endless build: ${describeDidNotFinish(endless!.didNotFinish!)}.`,
    );
    expect(table).toContain("Budgets per run: build 2 s, queries 60 s;");
    expect(table).toContain(
      "| hybrid | Fake crash | failed | failed | failed | failed | failed | failed | 0 |",
    );
    expect(table).toContain(
      "- Failed, Fake crash: RangeError: Maximum call stack size exceeded (on purpose)",
    );
  }, 120_000);

  it("kills queries past their budget and keeps the build's figures", async () => {
    const outcome = await runChild("fake-endless-queries", corpus, settings, {
      budgets: { buildSeconds: 60, querySeconds: 1 },
      systemsModule,
    });
    if (!("didNotFinish" in outcome)) throw new Error("expected the queries to be killed");
    expect(outcome.didNotFinish).toMatchObject({
      phase: "quality",
      budgetSeconds: 1,
      done: 5,
      total: 30,
    });
    expect(Object.keys(outcome.partial).sort()).toEqual([
      "buildSeconds",
      "heapDeltaBytes",
      "rssDeltaBytes",
    ]);
  }, 120_000);

  it("says what a killed run had done, in words", () => {
    expect(
      describeDidNotFinish({
        phase: "build",
        budgetSeconds: 600,
        seconds: 600.4,
        done: 20_000,
        total: 200_000,
      }),
    ).toBe("build: 20,000 of 200,000 documents indexed in 600 s (budget 600 s)");
  });
});
