import { afterEach, describe, expect, it, vi } from "vitest";
import { main as embeddedHybridSearch } from "./embedded-hybrid-search.ts";
import { main as fusionMethods } from "./fusion-methods.ts";

// The examples run here in-process, so an API change that breaks one fails CI instead of
// leaving a README command that no longer works.
describe("examples", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("embedded-hybrid-search finds the scurvy abstract first, with both retrievers' provenance", async () => {
    const printed = vi.spyOn(console, "log").mockImplementation(() => {});
    const hits = await embeddedHybridSearch();
    expect(hits.map((hit) => hit.id)).toHaveLength(3);
    expect(hits[0]?.id).toBe("scurvy");
    expect(hits[0]?.sources.bm25?.status).toBe("found");
    expect(hits[0]?.sources.dense?.status).toBe("found");
    expect(printed.mock.calls.some(([line]) => String(line).includes("1. scurvy"))).toBe(true);
  });

  it("fusion-methods fuses the two lists with each method", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const results = await fusionMethods();
    expect(Object.keys(results)).toEqual(["rrf (k 60)", "linear min-max", "dbsf"]);
    for (const hits of Object.values(results)) expect(hits).toHaveLength(5);
  });
});
