import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { assertStrings, ConcurrencyLimit, throwIfAborted } from "@hybrid-rag/core/internal";
import {
  createOnnxSession,
  type EncodedText,
  type ExecutionProvider,
  type LoadModelOptions,
  loadModelDirectory,
  type ModelDirectory,
  type OnnxSession,
  type ProviderReport,
  providerReport,
} from "@hybrid-rag/models";
import {
  batchFeeds,
  defaultItemsPerBatch,
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
import {
  type EncodedPair,
  encodePairs,
  type QueryPassagePair,
  splitTemplate,
} from "./encode-pairs.ts";
import type { VisionEncodedPair } from "./encode-vision-pairs.ts";
import { float16BitsToFloat32 } from "./float16.ts";
import {
  type ImageBytesEncodedPair,
  type ImageBytesPair,
  pendingImageTiles,
  type TokenizeImagePairsOptions,
  tokenizeImageBytesPairs,
} from "./image-bytes-pairs.ts";
import { type ChosenModelFile, chooseModelFile } from "./model-precision.ts";
import { PairTokenizerWorker } from "./pair-tokenizer.ts";
import {
  encodePassages,
  type ImageReadingOptions,
  type PassageEncoding,
  type PassageWithImage,
  pixelValuesFeed,
} from "./vision-documents.ts";

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

export interface ScorePassagesOptions extends ScorePairsOptions, ImageReadingOptions {}

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
  readonly #modelFile: ChosenModelFile;
  readonly #tokenizerWorker: PairTokenizerWorker | undefined;
  readonly #overlapChunkSize: number;
  readonly #pairTemplate: string | undefined;
  #modelRuns = 0;

  private constructor(
    model: ModelDirectory,
    session: OnnxSession,
    modelFile: ChosenModelFile,
    settings: {
      maxLength: number;
      maxTokensPerBatch: number;
      maxBatchSize: number;
      concurrency: number;
      overlapTokenization: boolean;
      overlapChunkSize: number;
      pairTemplate: string | undefined;
    },
  ) {
    this.#pairTemplate = settings.pairTemplate;
    this.model = model;
    this.#session = session;
    this.#modelFile = modelFile;
    this.#tokenizerWorker = settings.overlapTokenization
      ? new PairTokenizerWorker(model.path, settings.pairTemplate)
      : undefined;
    this.#tokenizerWorker?.warmUp();
    this.#overlapChunkSize = settings.overlapChunkSize;
    this.maxLength = settings.maxLength;
    this.#maxTokensPerBatch = settings.maxTokensPerBatch;
    this.#maxBatchSize = settings.maxBatchSize;
    this.#limit = new ConcurrencyLimit(settings.concurrency);
  }

  static async create(options: CrossEncoderOptions): Promise<CrossEncoder> {
    const { model: modelOption, hub, ...rest } = options;
    const settings = parseWithSchema(crossEncoderOptionsSchema, rest, "cross-encoder options");
    const model =
      typeof modelOption === "string"
        ? await loadModelDirectory(modelOption, { task: "cross-encoder", ...hub })
        : modelOption;
    if (settings.maxLength !== undefined && settings.maxLength > model.maxLength) {
      throw new HybridRagError(
        "invalid-argument",
        `maxLength ${settings.maxLength} exceeds what ${model.source} supports (${model.maxLength} tokens).`,
      );
    }
    const {
      maxLength,
      maxTokensPerBatch,
      maxBatchSize,
      concurrency,
      precision,
      overlapTokenization,
      overlapChunkSize,
      pairTemplate,
      ...sessionOptions
    } = settings;
    if (pairTemplate !== undefined && pairTemplate !== "none") splitTemplate(pairTemplate);
    let modelFile = await chooseModelFile(
      model,
      precision,
      sessionOptions.executionProvider,
      hub?.onGraph,
    );
    let session = await createOnnxSession(modelFile.path, sessionOptions);
    if (precision === "auto" && modelFile.precision === "fp16" && session.provider === "cpu") {
      // "auto" expected a GPU and fell back: the CPU runs the fp32 file faster.
      await session.release();
      modelFile = await chooseModelFile(model, "fp32", "cpu", hub?.onGraph);
      session = await createOnnxSession(modelFile.path, sessionOptions);
    }
    return new CrossEncoder(model, session, modelFile, {
      maxLength: maxLength ?? model.maxLength,
      maxTokensPerBatch: maxTokensPerBatch ?? defaultTokensPerBatch(session.provider),
      maxBatchSize: maxBatchSize ?? defaultItemsPerBatch(session.provider),
      concurrency,
      overlapTokenization:
        overlapTokenization === "on" ||
        (overlapTokenization === "auto" && session.provider !== "cpu"),
      overlapChunkSize,
      pairTemplate:
        pairTemplate === "none" ? undefined : (pairTemplate ?? model.builtGraph?.pairTemplate),
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

  /** Requested and actual provider, and whether every node runs on it: for reports. */
  get providerReport(): ProviderReport {
    return providerReport(this.#session);
  }

  /** The ONNX file the session runs and its precision. */
  get modelFile(): ChosenModelFile {
    return this.#modelFile;
  }

  /** The batch limits in use: a list within both is scored in one model run. */
  get batchLimits(): { readonly maxTokensPerBatch: number; readonly maxBatchSize: number } {
    return { maxTokensPerBatch: this.#maxTokensPerBatch, maxBatchSize: this.#maxBatchSize };
  }

  /** True for a vision-language model (llama-nemotron-vl-rerank): passages may carry images. */
  get acceptsImages(): boolean {
    return this.model.builtGraph?.vision !== undefined;
  }

  /** Model runs (onnxruntime `run` calls) since the encoder was created. */
  get modelRuns(): number {
    return this.#modelRuns;
  }

  /** Tokens of the pair, special tokens included, before any truncation. */
  countTokens(query: string, passage: string): number {
    assertStrings([query, passage], "countTokens");
    const tokenizer = this.model.tokenizer;
    if (this.#pairTemplate !== undefined) {
      const pair = { query, passage };
      return encodePairs(tokenizer, [pair], Number.MAX_SAFE_INTEGER, "END", this.#pairTemplate)[0]!
        .untruncatedLength;
    }
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
    const truncate = options.truncate ?? "END";
    if (this.#tokenizerWorker && truncate === "END" && passages.length > this.#overlapChunkSize) {
      return this.#scoreOverlapped(this.#tokenizerWorker, query, passages, options.signal);
    }
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
    return encodePairs(this.model.tokenizer, pairs, this.maxLength, truncate, this.#pairTemplate);
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

  /**
   * Vision-language models (llama-nemotron-vl-rerank): passages with text, an image, or both,
   * tokenised with the image tokens in NVIDIA's prompt and their images decoded and tiled, for
   * `scoreEncoded`. Throws `unsupported` for a text-only model when a passage has an image.
   */
  encodePassages(
    query: string,
    passages: readonly PassageWithImage[],
    options: ScorePassagesOptions = {},
  ): Promise<VisionEncodedPair[]> {
    return encodePassages(this.#passageEncoding(), query, passages, options, 0);
  }

  /**
   * Raw logits of passages that may carry images (see encodePassages), in input order. Images
   * are decoded and tiled `imagePassagesPerChunk` passages at a time, each chunk scored before
   * the next is decoded: a full-size tile is 3 MB of float32, and 512 page images of 7 tiles
   * held at once would be 10 GB.
   */
  async scorePassages(
    query: string,
    passages: readonly PassageWithImage[],
    options: ScorePassagesOptions = {},
  ): Promise<Float32Array> {
    const scores = new Float32Array(passages.length);
    const signal = options.signal === undefined ? {} : { signal: options.signal };
    for (let start = 0; start < passages.length; start += imagePassagesPerChunk) {
      const chunk = passages.slice(start, start + imagePassagesPerChunk);
      const encoded = await encodePassages(this.#passageEncoding(), query, chunk, options, start);
      scores.set(await this.scoreEncoded(encoded, signal), start);
    }
    return scores;
  }

  /**
   * Tokenises pairs whose passages may carry image files, for `scoreEncoded`, without keeping
   * any image decoded: each is decoded once here (bad bytes are refused now, naming the
   * passage) and counted in tiles, then decoded again by the model run that reads it. What a
   * server that queues pairs between tokenising and scoring needs: a queued pair holds its
   * file, never its 3 MB-per-tile pixels. On a text-only model a pair with an image is refused.
   */
  async tokenizeImagePairs(
    pairs: readonly ImageBytesPair[],
    options: TokenizeImagePairsOptions = {},
  ): Promise<ImageBytesEncodedPair[]> {
    const vision = this.model.builtGraph?.vision;
    if (vision === undefined) {
      const position = pairs.findIndex((pair) => pair.image !== undefined);
      if (position >= 0) {
        const index = (options.firstIndex ?? 0) + position;
        throw new HybridRagError(
          "unsupported",
          `${this.model.source} reads text only, and passage ${index} has an image; rerank images with a vision-language model (llama-nemotron-rerank-vl-1b-v2).`,
          { details: { index } },
        );
      }
      return this.tokenizePairs(
        pairs,
        options.truncate === undefined ? {} : { truncate: options.truncate },
      ).map((pair) => ({ ...pair, image: undefined }));
    }
    return tokenizeImageBytesPairs(
      this.model.tokenizer,
      vision,
      this.#pairTemplate ?? "{query} \n {passage}",
      pairs,
      this.maxLength,
      options,
    );
  }

  #passageEncoding(): PassageEncoding {
    return {
      model: this.model,
      maxLength: this.maxLength,
      pairTemplate: this.#pairTemplate,
      tokenizePairs: (pairs, options) => this.tokenizePairs(pairs, options),
    };
  }

  async release(): Promise<void> {
    await this.#tokenizerWorker?.terminate();
    await this.#session.release();
  }

  /**
   * `scorePairs` in chunks: the first chunk is tokenised here so the model starts at once, the
   * others on the worker while the model runs; each chunk is sorted and batched on its own.
   */
  async #scoreOverlapped(
    worker: PairTokenizerWorker,
    query: string,
    passages: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<Float32Array> {
    const size = this.#overlapChunkSize;
    const chunks: QueryPassagePair[][] = [];
    for (let start = 0; start < passages.length; start += size) {
      chunks.push(passages.slice(start, start + size).map((passage) => ({ query, passage })));
    }
    const later = chunks.slice(1).map((chunk) => worker.tokenize(chunk, this.maxLength));
    // Settled below in order; an abort or a failure must not leave the rest unhandled.
    for (const promise of later) promise.catch(() => {});
    const scores = new Float32Array(passages.length);
    let offset = 0;
    for (const [index, chunk] of chunks.entries()) {
      const encoded =
        index === 0 ? this.tokenizePairs(chunk, { truncate: "END" }) : await later[index - 1]!;
      scores.set(await this.scoreEncoded(encoded, signal ? { signal } : {}), offset);
      offset += chunk.length;
    }
    return scores;
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
    this.#modelRuns++;
    const feeds = batchFeeds(batch, this.#session.inputNames);
    const vision = this.model.builtGraph?.vision;
    if (vision && this.#session.inputNames.includes("pixel_values")) {
      // Text-only pairs on a vision-language model run the same graph with no tiles. Pending
      // images (tokenizeImagePairs) are decoded here, one model run's worth at a time.
      const rows = encoded as readonly (Partial<VisionEncodedPair> &
        Partial<ImageBytesEncodedPair>)[];
      const pending = rows.some((row) => row.image !== undefined)
        ? await pendingImageTiles(rows, vision)
        : undefined;
      feeds.pixel_values = pixelValuesFeed(
        pending === undefined
          ? rows
          : rows.map((row, index) => ({ tiles: row.tiles ?? pending[index] })),
        vision,
      );
    }
    const outputs = await this.#session.session.run(feeds);
    const logits = outputs.logits ?? outputs[this.#session.outputNames[0]!];
    const data = logits?.type === "float16" ? float16Logits(logits.data) : logits?.data;
    if (!logits || !(data instanceof Float32Array)) {
      throw new HybridRagError("unsupported", `${this.model.source} has no float "logits" output.`);
    }
    const labels = logits.dims.length === 2 ? Number(logits.dims[1]) : 1;
    if (labels !== 1) {
      throw new HybridRagError(
        "unsupported",
        `${this.model.source} outputs ${labels} logits per pair; a reranking cross-encoder has one.`,
      );
    }
    return data;
  }
}

/** Passages whose images are decoded at once by scorePassages (≤ 16 × 7 tiles × 3 MB at 512 px). */
const imagePassagesPerChunk = 16;

/** fp16 models' logits: raw bits (Uint16Array) or, where the runtime has one, a Float16Array. */
function float16Logits(data: unknown): Float32Array | undefined {
  if (data instanceof Uint16Array) return float16BitsToFloat32(data);
  return ArrayBuffer.isView(data)
    ? Float32Array.from(data as unknown as ArrayLike<number>)
    : undefined;
}

export function createCrossEncoder(options: CrossEncoderOptions): Promise<CrossEncoder> {
  return CrossEncoder.create(options);
}
