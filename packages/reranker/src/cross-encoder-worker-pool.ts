import { relative } from "node:path";

import { checkWorkerCount, siblingModuleUrl, WorkerPool } from "@hybrid-rag/core/worker-pool";

import {
  type ExecutionProvider,
  type LoadModelOptions,
  loadModelDirectory,
  type ProviderReport,
} from "@hybrid-rag/models";
import type { CrossEncoderSettings, TruncateMode } from "./cross-encoder-options.ts";
import type { EncodedPair, QueryPassagePair } from "./encode-pairs.ts";
import type {
  ImageBytesEncodedPair,
  ImageBytesPair,
  TokenizeImagePairsOptions,
} from "./image-bytes-pairs.ts";
import type { ChosenModelFile } from "./model-precision.ts";
import {
  type ImageReadingOptions,
  inlinePassageImages,
  type PassageWithImage,
} from "./vision-documents.ts";
import type { CrossEncoderFacts, CrossEncoderTask, WorkerStartData } from "./worker-protocol.ts";

export interface CrossEncoderWorkerPoolOptions extends CrossEncoderSettings {
  /** A model directory path or a Hub id; each worker loads it. */
  readonly model: string;
  readonly hub?: LoadModelOptions;
  /**
   * Worker threads, each with its own ONNX session (memory × workers). Default 1: onnxruntime
   * already spreads one run over `intraOpThreads` cores; keep workers × intraOpThreads ≤ cores.
   */
  readonly workers?: number;
}

const workerUrl = siblingModuleUrl("cross-encoder-worker", import.meta.url);

/**
 * A `CrossEncoder` on worker threads: tokenising and model runs happen off the calling thread,
 * so a server's event loop keeps answering (health checks, timeouts, new connections) while a
 * batch is scored. Same results as `CrossEncoder` (same code, in the worker). Tasks go to the
 * worker with the fewest in flight; a worker that dies fails its tasks with `unavailable` and
 * is replaced.
 */
export class CrossEncoderWorkerPool {
  readonly maxLength: number;
  readonly provider: ExecutionProvider;
  readonly fallbackReason: string | undefined;
  /** Requested and actual provider, as the workers' sessions report it (plain JSON). */
  readonly providerReport: ProviderReport;
  /** The ONNX file the workers run, and at which precision. */
  readonly modelFile: ChosenModelFile;
  /** Where the model came from (path or Hub id). */
  readonly source: string;
  /** The architecture family the workers' graph was built for (undefined: an ONNX file as published). */
  readonly family: string | undefined;
  /** True for a vision-language model: passages may carry images (`tokenizeImagePairs`). */
  readonly acceptsImages: boolean;
  readonly #pool: WorkerPool<CrossEncoderTask, CrossEncoderFacts>;

  private constructor(pool: WorkerPool<CrossEncoderTask, CrossEncoderFacts>, source: string) {
    this.#pool = pool;
    this.maxLength = pool.facts.maxLength;
    this.provider = pool.facts.provider;
    this.fallbackReason = pool.facts.fallbackReason;
    this.providerReport = pool.facts.providerReport;
    this.modelFile = pool.facts.modelFile;
    this.source = source;
    this.family = pool.facts.family;
    this.acceptsImages = pool.facts.acceptsImages;
  }

  static async create(options: CrossEncoderWorkerPoolOptions): Promise<CrossEncoderWorkerPool> {
    const { model, hub, workers = 1, ...settings } = options;
    checkWorkerCount(workers, "cross-encoder worker pool");
    // Resolved here once (a Hub id is downloaded once, not by every worker); the workers read
    // the local directory, with nothing that cannot cross a thread boundary (a signal, say).
    const directory = await loadModelDirectory(model, { task: "cross-encoder", ...hub });
    const start: WorkerStartData = {
      model: directory.path,
      // A graph built from safetensors is found again in its cache (with its family's pair
      // template); an ONNX file is named.
      hub: directory.builtGraph
        ? {
            task: "cross-encoder",
            graphPrecision: directory.builtGraph.precision,
            ...(directory.builtGraph.cacheDirectory === undefined
              ? {}
              : { graphCacheDirectory: directory.builtGraph.cacheDirectory }),
          }
        : { onnxFile: relative(directory.path, directory.onnxPath) },
      settings,
    };
    const pool = await WorkerPool.start<WorkerStartData, CrossEncoderTask, CrossEncoderFacts>({
      label: "cross-encoder",
      workerUrl,
      start,
      workers,
    });
    return new CrossEncoderWorkerPool(pool, directory.source);
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.#pool.size;
  }

  /** Tokenises pairs in a worker; same contract as `CrossEncoder.tokenizePairs`. */
  tokenizePairs(
    pairs: readonly QueryPassagePair[],
    options: { readonly truncate?: TruncateMode; readonly signal?: AbortSignal } = {},
  ): Promise<EncodedPair[]> {
    return this.#pool.run<EncodedPair[]>(
      { kind: "tokenize", pairs, truncate: options.truncate ?? "END" },
      { signal: options.signal },
    );
  }

  /**
   * `CrossEncoder.tokenizeImagePairs` in a worker: images decoded there (off the calling
   * thread) and counted in tiles; each encoded pair holds its caller's image file, not a copy.
   */
  async tokenizeImagePairs(
    pairs: readonly ImageBytesPair[],
    options: TokenizeImagePairsOptions = {},
  ): Promise<ImageBytesEncodedPair[]> {
    const { signal, ...rest } = options;
    const encoded = await this.#pool.run<ImageBytesEncodedPair[]>(
      { kind: "tokenize-images", pairs, options: rest },
      { signal },
    );
    return encoded.map((pair, index) => {
      const data = pairs[index]?.image?.data;
      return pair.image === undefined || data === undefined
        ? pair
        : { ...pair, image: { ...pair.image, data } };
    });
  }

  /**
   * Raw logits of pairs from `tokenizePairs` or `tokenizeImagePairs`, in input order, computed
   * in a worker (which decodes each model run's images just before it).
   */
  scoreEncoded(
    pairs: readonly EncodedPair[],
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<Float32Array> {
    if (pairs.length === 0) return Promise.resolve(new Float32Array(0));
    return this.#pool.run<Float32Array>({ kind: "score", pairs }, { signal: options.signal });
  }

  /** Tokenises and scores one query's passages in one worker trip (what a reranker needs). */
  scorePairs(
    query: string,
    passages: readonly string[],
    options: { readonly truncate?: TruncateMode; readonly signal?: AbortSignal } = {},
  ): Promise<Float32Array> {
    if (passages.length === 0) return Promise.resolve(new Float32Array(0));
    return this.#pool.run<Float32Array>(
      { kind: "score-pairs", query, passages, truncate: options.truncate ?? "END" },
      { signal: options.signal },
    );
  }

  /**
   * `CrossEncoder.scorePassages` in a worker: raw logits of passages that may carry images.
   * Stored image references are read here, on the calling thread, through
   * `options.resolveImage` (a worker has no resolver), and cross as bytes; the worker checks
   * `imageLimits`, decodes and tiles them.
   */
  async scorePassages(
    query: string,
    passages: readonly PassageWithImage[],
    options: ImageReadingOptions & {
      readonly truncate?: TruncateMode;
      readonly signal?: AbortSignal;
    } = {},
  ): Promise<Float32Array> {
    if (passages.length === 0) return new Float32Array(0);
    const inlined = await inlinePassageImages(passages, options);
    return this.#pool.run<Float32Array>(
      {
        kind: "score-passages",
        query,
        passages: inlined,
        truncate: options.truncate ?? "END",
        imageLimits: options.imageLimits,
      },
      { signal: options.signal },
    );
  }

  /**
   * Stops every worker: tasks in flight fail with `unavailable` at once; each worker finishes the
   * model run in progress (a thread cannot be stopped inside onnxruntime without aborting the
   * process), releases its session and exits. After `graceMs` a worker still running is
   * terminated anyway.
   */
  release(graceMs = 30_000): Promise<void> {
    return this.#pool.release(graceMs);
  }
}

export function createCrossEncoderWorkerPool(
  options: CrossEncoderWorkerPoolOptions,
): Promise<CrossEncoderWorkerPool> {
  return CrossEncoderWorkerPool.create(options);
}
