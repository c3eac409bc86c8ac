import { describe, expect, it } from "vitest";
import { twoLists } from "./inputs.ts";
import { runFusionSuite } from "./suite.ts";

// Keeps the benchmark runnable; it times nothing that is asserted.
describe("fusion benchmark", () => {
  it("builds two lists of 100 hits that half overlap", () => {
    const [sparse, dense] = twoLists(100);
    expect(sparse!.hits).toHaveLength(100);
    const shared = dense!.hits.filter((hit) => sparse!.hits.some((other) => other.id === hit.id));
    expect(shared).toHaveLength(50);
  });

  it("runs every method", () => {
    const results = runFusionSuite(10, { warmupCalls: 1, rounds: 2, callsPerSample: 1 });
    expect(results.map((result) => result.name)).toContain("rrf");
    expect(results).toHaveLength(8);
  });
});
