import { setTimeout as sleep } from "node:timers/promises";
import { HybridRagError, toHybridRagError } from "@hybrid-rag/core";
import { abortError } from "@hybrid-rag/core/internal";
import type { PairScorer, TokenizedPair } from "./pair-scorer.ts";

export interface DynamicBatcherOptions {
  readonly scorer: PairScorer;
  /** Requests admitted (waiting or being scored) at most; more are refused with `resource-exhausted`. */
  readonly maxQueuedRequests: number;
  /**
   * Pairs admitted (waiting or being scored) at most, across requests: the queue's budget in
   * work, not only in requests. Default: no limit beyond `maxQueuedRequests`.
   */
  readonly maxQueuedPairs?: number;
  /** Padded size of a batch at most: pairs × longest pair, in tokens. */
  readonly maxBatchTokens: number;
  readonly maxBatchPairs: number;
  /**
   * How long an idle batcher waits for concurrent requests to join the first pairs. It waits only
   * once it has seen concurrent requests (its last batch held more than one): a lone client never
   * pays the wait, and busy servers form batches from what arrives while the model runs anyway.
   */
  readonly maxWaitMs: number;
  readonly onBatch?: (batch: BatchReport) => void;
}

export interface BatchReport {
  readonly pairs: number;
  readonly paddedTokens: number;
  readonly requests: number;
  readonly durationMs: number;
  readonly error?: HybridRagError;
}

interface Job {
  readonly pairs: readonly TokenizedPair[];
  readonly scores: Float32Array;
  /** Index of the first pair not yet handed to a batch. */
  nextPair: number;
  scoredPairs: number;
  settled: boolean;
  readonly resolve: (scores: Float32Array) => void;
  readonly reject: (error: HybridRagError) => void;
  readonly detach: () => void;
}

interface BatchSlice {
  readonly job: Job;
  readonly start: number;
  readonly end: number;
}

/**
 * Collects tokenised (query, passage) pairs from concurrent requests into batches bounded by a
 * token budget, scores each batch with one scorer call, one batch at a time, and hands each
 * request its own scores. A request may span several batches; a cancelled request leaves the
 * queue at once.
 */
export class DynamicBatcher {
  readonly #options: DynamicBatcherOptions;
  readonly #waiting: Job[] = [];
  #admitted = 0;
  #admittedPairs = 0;
  #running = false;
  #lastBatchRequests = 0;
  /** The batch being scored: cancelled once every request in it has failed or left. */
  #activeBatch: { readonly jobs: readonly Job[]; readonly controller: AbortController } | undefined;

  constructor(options: DynamicBatcherOptions) {
    this.#options = options;
  }

  /** Requests admitted and not yet answered. */
  get pendingRequests(): number {
    return this.#admitted;
  }

  /** Pairs admitted and not yet answered. */
  get pendingPairs(): number {
    return this.#admittedPairs;
  }

  /**
   * The `resource-exhausted` error when admitting a request of `pairs` pairs would overfill the
   * queue, else undefined. Callers check it before tokenising a request, so an overloaded server
   * refuses work cheaply. A request alone in an empty queue is always admitted. `elsewhere`
   * counts requests admitted but not yet handed to `score` (being tokenised).
   */
  queueFullError(
    pairs = 0,
    elsewhere: { readonly requests: number; readonly pairs: number } = { requests: 0, pairs: 0 },
  ): HybridRagError | undefined {
    const { maxQueuedRequests, maxQueuedPairs = Number.POSITIVE_INFINITY } = this.#options;
    const requests = this.#admitted + elsewhere.requests;
    const queuedPairs = this.#admittedPairs + elsewhere.pairs;
    if (requests >= maxQueuedRequests) {
      return new HybridRagError(
        "resource-exhausted",
        `The ranking queue is full (${requests} requests waiting, limit ${maxQueuedRequests}): retry later or raise RERANKER_MAX_QUEUED_REQUESTS.`,
      );
    }
    if (requests > 0 && queuedPairs + pairs > maxQueuedPairs) {
      return new HybridRagError(
        "resource-exhausted",
        `The ranking queue is full (${queuedPairs} pairs waiting; ${pairs} more would pass the limit of ${maxQueuedPairs}): retry later or raise RERANKER_MAX_QUEUED_PAIRS.`,
      );
    }
    return undefined;
  }

  /**
   * Scores pairs the scorer tokenised (`scorer.tokenizePairs`; over-length pairs already
   * refused or truncated by the caller). Rejects with `resource-exhausted` when the queue is
   * full and with `aborted`/`timeout` when the signal fires first.
   */
  score(pairs: readonly TokenizedPair[], signal?: AbortSignal): Promise<Float32Array> {
    if (signal?.aborted) return Promise.reject(abortError(signal, "ranking request"));
    if (pairs.length === 0) return Promise.resolve(new Float32Array(0));
    const full = this.queueFullError(pairs.length);
    if (full) return Promise.reject(full);
    return new Promise<Float32Array>((resolve, reject) => {
      const onAbort = () => this.#fail(job, abortError(signal!, "ranking request"));
      const job: Job = {
        pairs,
        scores: new Float32Array(pairs.length),
        nextPair: 0,
        scoredPairs: 0,
        settled: false,
        resolve,
        reject,
        detach: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#admitted++;
      this.#admittedPairs += pairs.length;
      this.#waiting.push(job);
      if (!this.#running) void this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      if (this.#options.maxWaitMs > 0 && this.#lastBatchRequests > 1 && !this.#hasFullBatch()) {
        await sleep(this.#options.maxWaitMs);
      }
      while (this.#waiting.length > 0) {
        await this.#scoreBatch(this.#takeBatch());
      }
    } finally {
      this.#running = false;
    }
  }

  #hasFullBatch(): boolean {
    let pairs = 0;
    for (const job of this.#waiting) pairs += job.pairs.length - job.nextPair;
    return pairs >= this.#options.maxBatchPairs;
  }

  #takeBatch(): BatchSlice[] {
    const { maxBatchPairs, maxBatchTokens } = this.#options;
    const slices: BatchSlice[] = [];
    let pairs = 0;
    let longest = 0;
    while (this.#waiting.length > 0 && pairs < maxBatchPairs) {
      const job = this.#waiting[0]!;
      const start = job.nextPair;
      let end = start;
      while (end < job.pairs.length && pairs < maxBatchPairs) {
        const widest = Math.max(longest, job.pairs[end]!.tokens);
        // Always take one pair, even one longer than the budget, so nothing waits forever.
        if (pairs > 0 && widest * (pairs + 1) > maxBatchTokens) break;
        longest = widest;
        pairs++;
        end++;
      }
      if (end > start) slices.push({ job, start, end });
      job.nextPair = end;
      if (end < job.pairs.length) break;
      this.#waiting.shift();
    }
    return slices;
  }

  async #scoreBatch(slices: readonly BatchSlice[]): Promise<void> {
    const live = slices.filter((slice) => !slice.job.settled);
    if (live.length === 0) return;
    const pairs: TokenizedPair[] = [];
    let longest = 0;
    for (const { job, start, end } of live) {
      for (let index = start; index < end; index++) {
        const pair = job.pairs[index]!;
        pairs.push(pair);
        longest = Math.max(longest, pair.tokens);
      }
    }
    const started = performance.now();
    const report = { pairs: pairs.length, paddedTokens: pairs.length * longest };
    const requests = new Set(live.map((slice) => slice.job)).size;
    this.#lastBatchRequests = requests;
    const controller = new AbortController();
    this.#activeBatch = { jobs: live.map((slice) => slice.job), controller };
    try {
      const scores = await this.#options.scorer.scoreTokenized(pairs, controller.signal);
      if (scores.length !== pairs.length) {
        throw new HybridRagError(
          "internal",
          `The cross-encoder returned ${scores.length} scores for ${pairs.length} pairs.`,
        );
      }
      this.#options.onBatch?.({ ...report, requests, durationMs: performance.now() - started });
      let offset = 0;
      for (const { job, start, end } of live) {
        job.scores.set(scores.subarray(offset, offset + end - start), start);
        offset += end - start;
        job.scoredPairs += end - start;
        if (job.scoredPairs === job.pairs.length) this.#succeed(job);
      }
    } catch (caught) {
      // A batch cancelled because all its requests left is not a model failure.
      if (controller.signal.aborted) return;
      const error = toHybridRagError(caught, "scoring a batch");
      this.#options.onBatch?.({
        ...report,
        requests,
        durationMs: performance.now() - started,
        error,
      });
      for (const { job } of live) this.#fail(job, error);
    } finally {
      this.#activeBatch = undefined;
    }
  }

  #succeed(job: Job): void {
    if (job.settled) return;
    this.#settle(job);
    job.resolve(job.scores);
  }

  #fail(job: Job, error: HybridRagError): void {
    if (job.settled) return;
    this.#settle(job);
    const position = this.#waiting.indexOf(job);
    if (position >= 0) this.#waiting.splice(position, 1);
    job.reject(error);
    // Nobody waits for the batch any more (every request in it timed out or left): the scorer
    // may skip its model runs not yet started.
    const batch = this.#activeBatch;
    if (batch?.jobs.includes(job) && batch.jobs.every((entry) => entry.settled)) {
      batch.controller.abort(
        new HybridRagError("aborted", "Every request of the batch has failed or left."),
      );
    }
  }

  #settle(job: Job): void {
    job.settled = true;
    job.detach();
    this.#admitted--;
    this.#admittedPairs -= job.pairs.length;
  }
}
