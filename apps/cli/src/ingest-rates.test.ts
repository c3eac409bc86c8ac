import { describe, expect, it } from "vitest";
import { formatDuration, ingestRates } from "./ingest-rates.ts";

describe("ingestRates", () => {
  it("gives files/s, chunks/s and the time the remaining files take at that pace", () => {
    // 30 of 120 files and 450 chunks in 12 s: 2.5 files/s, 37.5 chunks/s, 90 files left → 36 s.
    expect(ingestRates({ sources: 30, chunks: 450, elapsedMs: 12_000 }, 120)).toEqual({
      chunks: 450,
      filesPerSecond: "2.5",
      chunksPerSecond: "37.5",
      eta: "0:36",
    });
  });

  it("has no ETA before the first file, and none left after the last", () => {
    expect(ingestRates({ sources: 0, chunks: 0, elapsedMs: 0 }, 10).eta).toBe("–");
    expect(ingestRates({ sources: 12, chunks: 40, elapsedMs: 3000 }, 10).eta).toBe("0:00");
  });

  it("formats durations as m:ss or h:mm:ss", () => {
    expect(formatDuration(42)).toBe("0:42");
    expect(formatDuration(725)).toBe("12:05");
    expect(formatDuration(3729)).toBe("1:02:09");
  });
});
