import { HybridRagError } from "@hybrid-rag/core";
import { throwIfAborted } from "@hybrid-rag/core/internal";
import { AbortableSlots } from "./abortable-slots.ts";
import { DynamicBatcher, type DynamicBatcherOptions } from "./dynamic-batcher.ts";
import { clientError } from "./http-errors.ts";
import type { PairScorer, ScoringPair, TokenizedPair } from "./pair-scorer.ts";
import type { RankingPassage } from "./ranking-passages.ts";

export interface RankingLimits {
  readonly maxPassagesPerRequest: number;
}

export interface RankedPassage {
  readonly index: number;
  readonly logit: number;
}

export interface RankingResult {
  /** Every passage, best first (ties keep request order). */
  readonly rankings: RankedPassage[];
  /** Tokens the model read (after truncation). */
  readonly promptTokens: number;
}

export type Truncation = "NONE" | "END";

/** Validates a ranking request against the model's limits and scores it through the batcher. */
export class RankingService {
  readonly #scorer: PairScorer;
  readonly #batcher: DynamicBatcher;
  readonly #limits: RankingLimits;
  /** Requests past admission that are still being tokenised: they count against the queue. */
  readonly #tokenizing = { requests: 0, pairs: 0 };
  /** Tokenisations running at once; the rest wait here, where a client that leaves is dropped. */
  readonly #tokenizerSlots: AbortableSlots;

  constructor(
    scorer: PairScorer,
    limits: RankingLimits,
    batching: Omit<DynamicBatcherOptions, "scorer">,
  ) {
    this.#scorer = scorer;
    this.#limits = limits;
    this.#batcher = new DynamicBatcher({ ...batching, scorer });
    this.#tokenizerSlots = new AbortableSlots(scorer.tokenizeConcurrency ?? 1);
  }

  /** True when the model scores passage images (a VLM reranker). */
  get acceptsImages(): boolean {
    return this.#scorer.accepts?.images === true;
  }

  get pendingRequests(): number {
    return this.#batcher.pendingRequests + this.#tokenizing.requests;
  }

  async rank(
    query: string,
    passages: readonly RankingPassage[],
    truncate: Truncation,
    signal?: AbortSignal,
    maxPassageTokens?: number,
  ): Promise<RankingResult> {
    const limit = this.#limits.maxPassagesPerRequest;
    if (passages.length > limit) throw tooManyPassagesError(passages.length, limit);
    if (!this.acceptsImages && passages.some((passage) => passage.image !== undefined)) {
      throw new HybridRagError(
        "unsupported",
        "The served model is text-only and a passage has an image: serve a VLM reranker.",
        { statusCode: 422 },
      );
    }
    // Refuse before tokenising: an overloaded server should spend nothing on work it turns away.
    const full = this.#batcher.queueFullError(passages.length, this.#tokenizing);
    if (full) throw full;
    const maxTokens = this.#scorer.maxTokens;
    // Each pair is tokenised once, here: the batch budget, the limit check, `usage` and the
    // model all read this encoding.
    this.#tokenizing.requests++;
    this.#tokenizing.pairs += passages.length;
    let pairs: TokenizedPair[];
    try {
      const release = await this.#tokenizerSlots.acquire(signal, "tokenising the request");
      try {
        // `maxPassageTokens` (Cohere's max_tokens_per_doc) cuts each passage before pairing.
        const inputs: ScoringPair[] = passages.map(({ text, image }) => ({
          query,
          passage: text,
          ...(image === undefined ? {} : { image }),
          ...(maxPassageTokens === undefined ? {} : { maxPassageTokens }),
        }));
        // In slices, so a client that leaves mid-way stops its tokenisation within one slice
        // (a 15 MB request is tokenised in ~120 slices, not one call nobody can stop).
        pairs = [];
        for (const slice of slicesForTokenizing(inputs)) {
          throwIfAborted(signal, "tokenising the request");
          pairs.push(...(await this.#scorer.tokenizePairs(slice, signal, pairs.length)));
        }
      } finally {
        release();
      }
    } finally {
      this.#tokenizing.requests--;
      this.#tokenizing.pairs -= passages.length;
    }
    if (truncate === "NONE") {
      const index = pairs.findIndex((pair) => pair.untruncatedTokens > maxTokens);
      if (index >= 0) {
        throw clientError(
          422,
          `Input length ${pairs[index]!.untruncatedTokens} exceeds maximum allowed token size ${maxTokens} (query with passage ${index}); shorten it or send "truncate": "END".`,
        );
      }
    }
    const scores = await this.#batcher.score(pairs, signal);
    const rankings = Array.from(scores, (logit, index) => ({ index, logit }));
    rankings.sort((a, b) => b.logit - a.logit || a.index - b.index);
    const promptTokens = pairs.reduce((sum, pair) => sum + pair.tokens, 0);
    return { rankings, promptTokens };
  }
}

/** Characters of query + passage per tokenisation call at most (one pair may pass it alone). */
const maxCharactersPerSlice = 128 * 1024;

/**
 * Images per tokenisation call at most: a VLM decodes each one to count its tiles, so a client
 * that leaves stops within 16 decodes.
 */
const maxImagesPerSlice = 16;

/** Consecutive runs of pairs within `maxCharactersPerSlice` characters and `maxImagesPerSlice` images. */
function slicesForTokenizing<Pair extends ScoringPair>(pairs: readonly Pair[]): Pair[][] {
  const slices: Pair[][] = [];
  let current: Pair[] = [];
  let characters = 0;
  let images = 0;
  for (const pair of pairs) {
    const size = pair.query.length + pair.passage.length;
    const image = pair.image === undefined ? 0 : 1;
    if (
      current.length > 0 &&
      (characters + size > maxCharactersPerSlice || images + image > maxImagesPerSlice)
    ) {
      slices.push(current);
      current = [];
      characters = 0;
      images = 0;
    }
    current.push(pair);
    characters += size;
    images += image;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}

/** The 422 for a request with more passages than `RERANKER_MAX_PASSAGES`. */
export function tooManyPassagesError(count: number, limit: number): HybridRagError {
  return clientError(
    422,
    `Too many passages: ${count} exceeds the limit of ${limit} per request; split the request or raise RERANKER_MAX_PASSAGES.`,
  );
}

/** The error for requests that arrive before the model has loaded. */
export function modelNotReadyError(): HybridRagError {
  return new HybridRagError(
    "unavailable",
    "The model is still loading: wait until GET /v1/health/ready answers 200.",
  );
}
