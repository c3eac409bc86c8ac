import { HybridRagError } from "@hybrid-rag/core";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DynamicBatcher, type DynamicBatcherOptions } from "./dynamic-batcher.ts";
import type { PairScorer, ScoringPair, TokenizedPair } from "./pair-scorer.ts";
import { gateScorer } from "./testing/gated-scorer.ts";

const maxTokens = 32;

/** A stand-in model: the logit is a pure function of the pair, so mixing pairs is visible. */
function pureScorer(): PairScorer & { batches: ScoringPair[][] } {
  const batches: ScoringPair[][] = [];
  return {
    batches,
    maxTokens,
    tokenizePairs: (pairs) => pairs.map(({ query, passage }) => tokenized(query, passage)),
    async scoreTokenized(pairs) {
      batches.push([...pairs]);
      return Float32Array.from(pairs, ({ query, passage }) => logitOf(query, passage));
    },
  };
}

/** The stand-in tokeniser: one token per character. */
function tokenized(query: string, passage: string): TokenizedPair {
  const untruncatedTokens = query.length + passage.length;
  return { query, passage, tokens: Math.min(maxTokens, untruncatedTokens), untruncatedTokens };
}

function pairsOf(query: string, passages: readonly string[]): TokenizedPair[] {
  return passages.map((passage) => tokenized(query, passage));
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
            requests.map(({ query, passages }) => queue.score(pairsOf(query, passages))),
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
    const first = queue.score(pairsOf("a", ["x"]));
    await gated.waitForBatches(1);
    const rest = [
      queue.score(pairsOf("b", ["1", "2"])),
      queue.score(pairsOf("c", ["3"])),
      queue.score(pairsOf("d", ["4", "5", "6"])),
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
    const admitted = [queue.score(pairsOf("a", ["x"])), queue.score(pairsOf("b", ["y"]))];
    await expectErrorCode(queue.score(pairsOf("c", ["z"])), "resource-exhausted");
    gated.open();
    await Promise.all(admitted);
    await expect(queue.score(pairsOf("c", ["z"]))).resolves.toHaveLength(1);
  });

  it("drops a cancelled request from the queue before it reaches the model", async () => {
    const gated = gateScorer(pureScorer());
    const queue = batcher(gated.scorer);
    const first = queue.score(pairsOf("a", ["x"]));
    await gated.waitForBatches(1);
    const controller = new AbortController();
    const cancelled = queue.score(pairsOf("b", ["y"]), controller.signal);
    const kept = queue.score(pairsOf("c", ["z"]));
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
      async scoreTokenized(pairs) {
        calls++;
        if (calls === 1) throw new Error("CUDA out of memory");
        return inner.scoreTokenized(pairs);
      },
    };
    const queue = batcher(flaky);
    await expect(queue.score(pairsOf("a", ["x"]))).rejects.toThrow(/CUDA out of memory/);
    await expect(queue.score(pairsOf("a", ["x"]))).resolves.toHaveLength(1);
    expect(queue.pendingRequests).toBe(0);
  });

  it("cancels the batch being scored once every request in it has left, and counts pairs", async () => {
    const inner = pureScorer();
    let batchSignal: AbortSignal | undefined;
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holding: PairScorer = {
      ...inner,
      async scoreTokenized(pairs, signal) {
        batchSignal = signal;
        await held;
        return inner.scoreTokenized(pairs);
      },
    };
    const queue = batcher(holding, { maxQueuedPairs: 3 });
    const controller = new AbortController();
    const leaving = queue.score(pairsOf("a", ["x", "y"]), controller.signal);
    expect(queue.pendingPairs).toBe(2);
    expect(queue.queueFullError(2)?.message).toMatch(/2 pairs waiting; 2 more .* limit of 3/);
    expect(queue.queueFullError(1)).toBeUndefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(batchSignal?.aborted).toBe(false);
    controller.abort(new HybridRagError("aborted", "client left"));
    await expectErrorCode(leaving, "aborted");
    expect(batchSignal?.aborted).toBe(true);
    expect(queue.pendingPairs).toBe(0);
    release();
  });
});
