import { describe, expect, it } from "vitest";
import { loadWorkloads } from "./workload.ts";

// Keeps the benchmark's inputs sound; the benchmark itself runs on demand (pnpm bench).
describe("reranker-server benchmark workload", () => {
  it("builds requests of the asked shape", async () => {
    const { workloads } = await loadWorkloads(4, 3, 10);
    expect(workloads).toHaveLength(4);
    for (const workload of workloads) {
      expect(workload.query.length).toBeGreaterThan(0);
      expect(workload.passages).toHaveLength(3);
      for (const passage of workload.passages) {
        expect(passage.split(" ").length).toBeLessThanOrEqual(10);
      }
    }
  });
});
