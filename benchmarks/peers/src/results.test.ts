import { describe, expect, it } from "vitest";
import type { SystemMeasurement } from "./measure-system.ts";
import { medianMeasurement } from "./results.ts";

const measurement = (value: number): SystemMeasurement => ({
  ndcgAt10: value,
  recallAt100: value,
  buildSeconds: value,
  rssDeltaBytes: value,
  heapDeltaBytes: value,
  queriesPerSecond: value,
  timedQueryCount: value,
});

describe("medianMeasurement", () => {
  it("takes the median of each field over odd and even run counts", () => {
    expect(
      medianMeasurement([measurement(3), measurement(1), measurement(2)]).queriesPerSecond,
    ).toBe(2);
    expect(
      medianMeasurement([measurement(4), measurement(1), measurement(2), measurement(3)]).ndcgAt10,
    ).toBe(2.5);
  });
});
