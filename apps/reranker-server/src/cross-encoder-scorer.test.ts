import { afterEach, describe, expect, it, vi } from "vitest";
import { crossEncoderScorer } from "./cross-encoder-scorer.ts";
import { RankingService } from "./ranking-service.ts";
import { gateScorer } from "./testing/gated-scorer.ts";
import { loadTestCrossEncoder, testMaxTokens } from "./testing/test-scorer.ts";

const requests = [
  { query: "solar", passages: ["panels turn sunlight into power", "chess openings"] },
  { query: "tides", passages: ["the moon pulls the oceans", "", "rivers run to the sea"] },
  { query: "wind", passages: ["turbines on hills ".repeat(20)] },
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("crossEncoderScorer", () => {
  it("tokenises each pair once, at admission, and scores a mixed batch with one model call", async () => {
    const crossEncoder = await loadTestCrossEncoder();
    const tokenize = vi.spyOn(crossEncoder, "tokenizePairs");
    const scoreEncoded = vi.spyOn(crossEncoder, "scoreEncoded");
    const countTokens = vi.spyOn(crossEncoder, "countTokens");
    const gated = gateScorer(crossEncoderScorer(crossEncoder));
    const service = new RankingService(
      gated.scorer,
      { maxPassagesPerRequest: 64 },
      { maxQueuedRequests: 16, maxBatchTokens: 16_384, maxBatchPairs: 64, maxWaitMs: 0 },
    );
    const first = service.rank("first", [{ text: "held at the gate" }], "END");
    await gated.waitForBatches(1);
    const later = requests.map(({ query, passages }) =>
      service.rank(
        query,
        passages.map((text) => ({ text })),
        "END",
      ),
    );
    gated.open();
    const [, ...results] = await Promise.all([first, ...later]);
    expect(gated.batches.map((batch) => batch.length)).toEqual([1, 6]);
    expect(scoreEncoded).toHaveBeenCalledTimes(2);
    const tokenised = tokenize.mock.calls.reduce((sum, [pairs]) => sum + pairs.length, 0);
    expect(tokenised).toBe(1 + 6);
    expect(countTokens).not.toHaveBeenCalled();
    for (const [position, { query, passages }] of requests.entries()) {
      const alone = await crossEncoder.scorePairs(query, passages);
      const result = results[position]!;
      for (const { index, logit } of result.rankings) {
        expect(Math.abs(logit - alone[index]!)).toBeLessThan(1e-5);
      }
      const tokens = passages.map((passage) =>
        Math.min(testMaxTokens, crossEncoder.countTokens(query, passage)),
      );
      expect(result.promptTokens).toBe(tokens.reduce((sum, count) => sum + count, 0));
    }
  });

  it("gives the lengths the batcher and the NONE check read", async () => {
    const scorer = crossEncoderScorer(await loadTestCrossEncoder());
    const [short, long] = await scorer.tokenizePairs([
      { query: "hello world", passage: "solar panels" },
      { query: "q", passage: "word ".repeat(100) },
    ]);
    expect(short).toMatchObject({ tokens: 7, untruncatedTokens: 7 });
    expect(long).toMatchObject({ tokens: testMaxTokens, untruncatedTokens: 1 + 100 + 3 });
  });
});
