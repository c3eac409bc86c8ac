import type { PairScorer, ScoringPair, TokenizedPair } from "../pair-scorer.ts";

export interface GatedScorer<Pair extends TokenizedPair = TokenizedPair> {
  readonly scorer: PairScorer<Pair>;
  /** Batches that reached the model so far (each a list of pairs). */
  readonly batches: ScoringPair[][];
  /** Lets every held and future batch through. */
  open(): void;
  /** Resolves once `count` batches have reached the gate. */
  waitForBatches(count: number): Promise<void>;
}

/**
 * Wraps a real scorer so a test can hold batches at the model's door: requests pile up in the
 * queue exactly as they would behind a slow model, without timing assumptions.
 */
export function gateScorer<Pair extends TokenizedPair>(inner: PairScorer<Pair>): GatedScorer<Pair> {
  const batches: ScoringPair[][] = [];
  let opened = false;
  let openGate: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  return {
    batches,
    scorer: {
      maxTokens: inner.maxTokens,
      tokenizePairs: (pairs, signal) => inner.tokenizePairs(pairs, signal),
      async scoreTokenized(pairs, signal) {
        batches.push([...pairs]);
        for (const waiter of waiters.filter((entry) => batches.length >= entry.count)) {
          waiter.resolve();
        }
        if (!opened) await gate;
        return inner.scoreTokenized(pairs, signal);
      },
    },
    open() {
      opened = true;
      openGate();
    },
    waitForBatches(count) {
      if (batches.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  };
}
