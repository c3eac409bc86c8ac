import { HybridRagError } from "@hybrid-rag/core";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DynamicBatcher, type DynamicBatcherOptions } from "./dynamic-batcher.ts";
import type { PairScorer, ScoringPair } from "./pair-scorer.ts";
import { gateScorer } from "./testing/gated-scorer.ts";

/** A stand-in model: the logit is a pure function of the pair, so mixing pairs is visible. */
function pureScorer(): PairScorer & { batches: ScoringPair[][] } {
  const batches: ScoringPair[][] = [];
  return {
    batches,
    maxTokens: 32,
    countTokens: (query, passage) => query.length + passage.length,
    async scorePairs(pairs) {
      batches.push([...pairs]);
      return Float32Array.from(pairs, ({ query, passage }) => logitOf(query, passage));
    },
  };
}

function logitOf(query: string, passage: string): number {
  return Math.fround(query.length * 100 + passage.length + (passage.charCodeAt(0) || 0) / 1000);
}

function batcher(scorer: PairScorer, options: Partial<DynamicBatcherOptions> = {}) {
  return new DynamicBatcher({
    scorer,
    maxQueuedRequests: 100,
    maxBatchTokens: 1000,
    maxBatchPairs: 8,
    maxWaitMs: 0,
    ...options,
  });
}

describe("DynamicBatcher", () => {
  it("gives every request the scores of its own pairs, whatever the batch boundaries", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            query: fc.string({ minLength: 1, maxLength: 6 }),
            passages: fc.array(fc.string({ maxLength: 20 }), { maxLength: 12 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 200 }),
        async (requests, maxBatchPairs, maxBatchTokens) => {
          const scorer = pureScorer();
          const queue = batcher(scorer, { maxBatchPairs, maxBatchTokens });
          const results = await Promise.all(
            requests.map(({ query, passages }) =>
              queue.score(
                query,
                passages,
                passages.map((passage) => scorer.countTokens(query, passage)),
              ),
            ),
          );
          results.forEach((scores, index) => {
            const { query, passages } = requests[index]!;
            expect([...scores]).toEqual(passages.map((passage) => logitOf(query, passage)));
          });
          for (const batch of scorer.batches) {
            expect(batch.length).toBeLessThanOrEqual(maxBatchPairs);
            const widest = Math.max(
              ...batch.map(({ query, passage }) => Math.min(32, query.length + passage.length)),
            );
            if (batch.length > 1) expect(batch.length * widest).toBeLessThanOrEqual(maxBatchTokens);
          }
          expect(queue.pendingRequests).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("joins concurrent requests into one batch and splits a large one", async () => {
    const gated = gateScorer(pureScorer());
    const queue = batcher(gated.scorer, { maxBatchPairs: 4 });
    const first = queue.score("a", ["x"], [2]);
    await gated.waitForBatches(1);
    const rest = [
      queue.score("b", ["1", "2"], [2, 2]),
      queue.score("c", ["3"], [2]),
      queue.score("d", ["4", "5", "6"], [2, 2, 2]),
    ];
    gated.open();
    await Promise.all([first, ...rest]);
    expect(gated.batches.map((batch) => batch.map((pair) => pair.query).join(""))).toEqual([
      "a",
      "bbcd",
      "dd",
    ]);
  });

  it("refuses requests beyond the queue limit with resource-exhausted", async () => {
    const gated = gateScorer(pureScorer());
    const queue = batcher(gated.scorer, { maxQueuedRequests: 2 });
    const admitted = [queue.score("a", ["x"], [2]), queue.score("b", ["y"], [2])];
    await expectErrorCode(queue.score("c", ["z"], [2]), "resource-exhausted");
    gated.open();
    await Promise.all(admitted);
    await expect(queue.score("c", ["z"], [2])).resolves.toHaveLength(1);
  });

  it("drops a cancelled request from the queue before it reaches the model", async () => {
    const gated = gateScorer(pureScorer());
    const queue = batcher(gated.scorer);
    const first = queue.score("a", ["x"], [2]);
    await gated.waitForBatches(1);
    const controller = new AbortController();
    const cancelled = queue.score("b", ["y"], [2], controller.signal);
    const kept = queue.score("c", ["z"], [2]);
    controller.abort(new HybridRagError("aborted", "client left"));
    await expectErrorCode(cancelled, "aborted");
    expect(queue.pendingRequests).toBe(2);
    gated.open();
    await Promise.all([first, kept]);
    expect(gated.batches.flat().map((pair) => pair.query)).toEqual(["a", "c"]);
  });

  it("fails every request of a batch the model could not score, and carries on", async () => {
    let calls = 0;
    const inner = pureScorer();
    const flaky: PairScorer = {
      ...inner,
      async scorePairs(pairs) {
        calls++;
        if (calls === 1) throw new Error("CUDA out of memory");
        return inner.scorePairs(pairs);
      },
    };
    const queue = batcher(flaky);
    await expect(queue.score("a", ["x"], [2])).rejects.toThrow(/CUDA out of memory/);
    await expect(queue.score("a", ["x"], [2])).resolves.toHaveLength(1);
    expect(queue.pendingRequests).toBe(0);
  });
});
