import { HybridRagError, parseWithSchema, throwIfAborted } from "@hybrid-rag/core";
import { assertStrings, ConcurrencyLimit } from "@hybrid-rag/core/internal";
import {
  createOnnxSession,
  type EncodedText,
  type ExecutionProvider,
  type LoadModelOptions,
  loadModelDirectory,
  type ModelDirectory,
  type OnnxSession,
} from "@hybrid-rag/models";
import {
  batchFeeds,
  defaultTokensPerBatch,
  padBatch,
  tokenBudgetBatches,
} from "@hybrid-rag/models/internal";
import {
  type CrossEncoderSettings,
  crossEncoderOptionsSchema,
  type TruncateMode,
  truncateModes,
} from "./cross-encoder-options.ts";
import { type EncodedPair, encodePairs, type QueryPassagePair } from "./encode-pairs.ts";

export interface CrossEncoderOptions extends CrossEncoderSettings {
  /** A model directory path, a Hub id, or an already loaded directory. */
  readonly model: string | ModelDirectory;
  /** Hub settings (revision, cache, offline, …) when `model` is a Hub id. */
  readonly hub?: LoadModelOptions;
}

export interface TokenizePairsOptions {
  readonly truncate?: TruncateMode;
}

export interface ScoreEncodedOptions {
  readonly signal?: AbortSignal;
}

export interface ScorePairsOptions extends TokenizePairsOptions, ScoreEncodedOptions {}

/**
 * A cross-encoder on onnxruntime: scores (query, passage) pairs with the model's raw logit.
 * Pairs are tokenised once (`tokenizePairs`), then sorted by length and cut into batches by a
 * padded-token budget (`scoreEncoded`), so short passages are not padded to the longest one and
 * pairs of different queries share model runs; batches from every caller share one concurrency
 * limit.
 */
export class CrossEncoder {
  readonly model: ModelDirectory;
  readonly maxLength: number;
  readonly #session: OnnxSession;
  readonly #limit: ConcurrencyLimit;
  readonly #maxTokensPerBatch: number;
  readonly #maxBatchSize: number;

  private constructor(
    model: ModelDirectory,
    session: OnnxSession,
    settings: {
      maxLength: number;
      maxTokensPerBatch: number;
      maxBatchSize: number;
      concurrency: number;
    },
  ) {
    this.model = model;
    this.#session = session;
    this.maxLength = settings.maxLength;
    this.#maxTokensPerBatch = settings.maxTokensPerBatch;
    this.#maxBatchSize = settings.maxBatchSize;
    this.#limit = new ConcurrencyLimit(settings.concurrency);
  }

  static async create(options: CrossEncoderOptions): Promise<CrossEncoder> {
    const { model: modelOption, hub, ...rest } = options;
    const settings = parseWithSchema(crossEncoderOptionsSchema, rest, "cross-encoder options");
    const model =
      typeof modelOption === "string" ? await loadModelDirectory(modelOption, hub) : modelOption;
    if (settings.maxLength !== undefined && settings.maxLength > model.maxLength) {
      throw new HybridRagError(
        "invalid-argument",
        `maxLength ${settings.maxLength} exceeds what ${model.source} supports (${model.maxLength} tokens).`,
      );
    }
    const { maxLength, maxTokensPerBatch, maxBatchSize, concurrency, ...sessionOptions } = settings;
    const session = await createOnnxSession(model.onnxPath, sessionOptions);
    return new CrossEncoder(model, session, {
      maxLength: maxLength ?? model.maxLength,
      maxTokensPerBatch: maxTokensPerBatch ?? defaultTokensPerBatch(session.provider),
      maxBatchSize,
      concurrency,
    });
  }

  /** The execution provider the model runs on. */
  get provider(): ExecutionProvider {
    return this.#session.provider;
  }

  /** Set when the session runs on a fallback provider (see onProviderUnavailable). */
  get fallbackReason(): string | undefined {
    return this.#session.fallbackReason;
  }

  /** Tokens of the pair, special tokens included, before any truncation. */
  countTokens(query: string, passage: string): number {
    assertStrings([query, passage], "countTokens");
    const tokenizer = this.model.tokenizer;
    return (
      tokenizer.tokenize(query).length +
      tokenizer.tokenize(passage).length +
      tokenizer.specialTokensPair
    );
  }

  /** Raw logits, one per passage, in input order. */
  async scorePairs(
    query: string,
    passages: readonly string[],
    options: ScorePairsOptions = {},
  ): Promise<Float32Array> {
    throwIfAborted(options.signal, "cross-encoder scoring");
    assertStrings([query], "cross-encoder query");
    assertStrings(passages, "cross-encoder passages");
    const encoded = this.tokenizePairs(
      passages.map((passage) => ({ query, passage })),
      options.truncate === undefined ? {} : { truncate: options.truncate },
    );
    return this.scoreEncoded(
      encoded,
      options.signal === undefined ? {} : { signal: options.signal },
    );
  }

  /**
   * Tokenises (query, passage) pairs, queries free to differ, for `scoreEncoded`. Callers that
   * need each pair's length before scoring (a server's batch budget, `usage`) tokenise once here.
   * truncate `"END"` (default) cuts over-length pairs with `longest_first`; `"NONE"` throws
   * `invalid-argument` naming the first over-length pair.
   */
  tokenizePairs(
    pairs: readonly QueryPassagePair[],
    options: TokenizePairsOptions = {},
  ): EncodedPair[] {
    const truncate = options.truncate ?? "END";
    if (!truncateModes.includes(truncate)) {
      throw new HybridRagError(
        "invalid-argument",
        `truncate must be "END" or "NONE", got ${JSON.stringify(truncate)}.`,
      );
    }
    return encodePairs(this.model.tokenizer, pairs, this.maxLength, truncate);
  }

  /**
   * Raw logits of pairs from `tokenizePairs`, in input order. Pairs of every query are sorted
   * by length and cut into model runs by the padded-token budget together, so a batch mixing
   * many queries costs the model runs of one query with as many pairs.
   */
  async scoreEncoded(
    pairs: readonly EncodedPair[],
    options: ScoreEncodedOptions = {},
  ): Promise<Float32Array> {
    throwIfAborted(options.signal, "cross-encoder scoring");
    this.#assertEncoded(pairs);
    const scores = new Float32Array(pairs.length);
    const batches = tokenBudgetBatches(
      pairs.map((pair) => pair.ids.length),
      this.#maxTokensPerBatch,
      this.#maxBatchSize,
    );
    await Promise.all(
      batches.map((batch) =>
        this.#limit.run(async () => {
          throwIfAborted(options.signal, "cross-encoder scoring");
          const logits = await this.#run(batch.map((index) => pairs[index]!));
          for (const [row, index] of batch.entries()) scores[index] = logits[row]!;
        }),
      ),
    );
    return scores;
  }

  async release(): Promise<void> {
    await this.#session.release();
  }

  #assertEncoded(pairs: readonly EncodedPair[]): void {
    for (const [index, pair] of pairs.entries()) {
      const length = pair?.ids?.length;
      if (length === undefined || length > this.maxLength) {
        throw new HybridRagError(
          "invalid-argument",
          `Encoded pair ${index} has ${length ?? "no"} token ids; scoreEncoded takes pairs from ` +
            `tokenizePairs (at most ${this.maxLength} tokens).`,
          { details: { index } },
        );
      }
    }
  }

  async #run(encoded: readonly EncodedText[]): Promise<Float32Array> {
    const batch = padBatch(encoded, this.model.tokenizer.padId);
    const outputs = await this.#session.session.run(batchFeeds(batch, this.#session.inputNames));
    const logits = outputs.logits ?? outputs[this.#session.outputNames[0]!];
    if (!logits || !(logits.data instanceof Float32Array)) {
      throw new HybridRagError("unsupported", `${this.model.source} has no float "logits" output.`);
    }
    const labels = logits.dims.length === 2 ? Number(logits.dims[1]) : 1;
    if (labels !== 1) {
      throw new HybridRagError(
        "unsupported",
        `${this.model.source} outputs ${labels} logits per pair; a reranking cross-encoder has one.`,
      );
    }
    return logits.data;
  }
}

export function createCrossEncoder(options: CrossEncoderOptions): Promise<CrossEncoder> {
  return CrossEncoder.create(options);
}
