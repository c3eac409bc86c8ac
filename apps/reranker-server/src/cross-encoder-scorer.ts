import { HybridRagError } from "@hybrid-rag/core";
import type { ImageLimits, ProviderReport } from "@hybrid-rag/models";
import type {
  ChosenModelFile,
  CrossEncoder,
  CrossEncoderWorkerPool,
  EncodedPair,
  ImageBytesEncodedPair,
  ImageBytesPair,
  TokenizeImagePairsOptions,
} from "@hybrid-rag/reranker";
import { clientError } from "./http-errors.ts";
import type { PairScorer, ScoringPair, TokenizedPair } from "./pair-scorer.ts";

/** A pair with the cross-encoder's encoding, made once at admission. */
export interface CrossEncoderPair extends TokenizedPair {
  readonly encoded: EncodedPair;
}

/** What the scorers below need of a `CrossEncoder` or a `CrossEncoderWorkerPool`. */
type ServedModel = Pick<CrossEncoder, "maxLength" | "providerReport" | "modelFile"> & {
  readonly acceptsImages: boolean;
  tokenizeImagePairs(
    pairs: readonly ImageBytesPair[],
    options: TokenizeImagePairsOptions,
  ): Promise<ImageBytesEncodedPair[]>;
};

export interface ScorerOptions {
  /**
   * Bounds an image is checked against before the model decodes it (the server's
   * `RERANKER_MAX_IMAGE_BYTES` and `RERANKER_MAX_IMAGE_PIXELS`); only a VLM reads them.
   */
  readonly imageLimits?: ImageLimits;
}

/**
 * Serves a `CrossEncoder` to the batcher. Pairs are tokenised once, at admission; a batch that
 * mixes several requests' queries is scored with one `scoreEncoded` call, which sorts its pairs
 * by length and cuts them into model runs by the encoder's token budget. A vision-language
 * model (the VLM family) accepts images: see `workerPoolScorer`.
 */
export function crossEncoderScorer(
  crossEncoder: CrossEncoder,
  options: ScorerOptions = {},
): PairScorer<CrossEncoderPair> {
  const family = crossEncoder.model.builtGraph?.family;
  const scoreTokenized: PairScorer<CrossEncoderPair>["scoreTokenized"] = (pairs, signal) =>
    crossEncoder.scoreEncoded(
      pairs.map((pair) => pair.encoded),
      signal ? { signal } : {},
    );
  if (crossEncoder.acceptsImages) {
    return { ...imageScorerParts(crossEncoder, family, options), scoreTokenized };
  }
  return {
    maxTokens: crossEncoder.maxLength,
    device: deviceOf(crossEncoder, family),
    tokenizePairs(pairs) {
      // Over-length pairs with truncate NONE are refused from `untruncatedTokens` before queueing.
      return withEncodings(pairs, crossEncoder.tokenizePairs(pairs, { truncate: "END" }));
    },
    scoreTokenized,
  };
}

/**
 * Serves a `CrossEncoderWorkerPool`: tokenising and model runs happen on worker threads, so the
 * HTTP thread keeps answering (health checks, timeouts, new requests) while a batch is scored.
 * On a VLM the images are decoded there too: once at admission (bad bytes are a 400 before
 * queueing; the tile count gives the pair's length), then again by the model run that reads
 * them — a queued pair holds its image file, never its pixels, and a batch's tiles are within
 * its token budget (each tile is `tokensPerTile` image tokens of the pair's length).
 */
export function workerPoolScorer(
  pool: CrossEncoderWorkerPool,
  options: ScorerOptions = {},
): PairScorer<CrossEncoderPair> {
  const family = pool.family;
  const scoreTokenized: PairScorer<CrossEncoderPair>["scoreTokenized"] = (pairs, signal) =>
    pool.scoreEncoded(
      pairs.map((pair) => pair.encoded),
      signal ? { signal } : {},
    );
  if (pool.acceptsImages) {
    return {
      ...imageScorerParts(pool, family, options),
      tokenizeConcurrency: pool.size,
      scoreTokenized,
    };
  }
  return {
    maxTokens: pool.maxLength,
    device: deviceOf(pool, family),
    tokenizeConcurrency: pool.size,
    async tokenizePairs(pairs, signal) {
      const encoded = await pool.tokenizePairs(pairs, {
        truncate: "END",
        ...(signal ? { signal } : {}),
      });
      return withEncodings(pairs, encoded);
    },
    scoreTokenized,
  };
}

/** The image-accepting part of a VLM's scorer: tokenising with images, its device facts. */
function imageScorerParts(
  model: ServedModel,
  family: string | undefined,
  options: ScorerOptions,
): Omit<PairScorer<CrossEncoderPair>, "scoreTokenized"> {
  return {
    maxTokens: model.maxLength,
    accepts: { images: true },
    device: deviceOf(model, family),
    async tokenizePairs(pairs, signal, firstIndex = 0) {
      const inputs: ImageBytesPair[] = pairs.map(({ query, passage, image, maxPassageTokens }) => ({
        query,
        passage,
        ...(image === undefined ? {} : { image: { data: image.data } }),
        ...(maxPassageTokens === undefined ? {} : { maxPassageTokens: maxPassageTokens }),
      }));
      try {
        const encoded = await model.tokenizeImagePairs(inputs, {
          truncate: "END",
          firstIndex,
          ...(options.imageLimits ? { imageLimits: options.imageLimits } : {}),
          ...(signal ? { signal } : {}),
        });
        return withEncodings(pairs, encoded);
      } catch (error) {
        throw asClientError(error);
      }
    },
  };
}

/**
 * NIM answers image data it cannot read with 400; a pair whose image and query alone pass the
 * model's limit is a 422 (the invalid-argument default), like other over-length input.
 */
function asClientError(error: unknown): unknown {
  if (!HybridRagError.isInstance(error) || error.details?.problem !== "undecodable-image") {
    return error;
  }
  return clientError(
    400,
    `${error.message} (this server decodes whole PNG, JPEG, WebP, GIF, BMP and TIFF files).`,
  );
}

function withEncodings(
  pairs: readonly ScoringPair[],
  encoded: readonly EncodedPair[],
): CrossEncoderPair[] {
  return pairs.map(({ query, passage }, index) => {
    const pair = encoded[index]!;
    return {
      query,
      passage,
      tokens: pair.length,
      untruncatedTokens: pair.untruncatedLength,
      encoded: pair,
    };
  });
}

/**
 * What `/v1/metadata` shows of the loaded model: the provider in use, never just the request;
 * the architecture family and what a passage may carry.
 */
function deviceOf(
  model: ServedModel,
  family: string | undefined,
): Readonly<Record<string, unknown>> {
  const report: ProviderReport = model.providerReport;
  const modelFile: ChosenModelFile = model.modelFile;
  return {
    executionProvider: report.provider,
    requestedExecutionProvider: report.requestedProvider,
    allNodesOnProvider: report.allNodesOnProvider,
    providerFallback: report.fallbackReason ?? null,
    precision: modelFile.precision,
    onnxFile: modelFile.path,
    modelFamily: family ?? null,
    passageModalities: model.acceptsImages ? ["text", "image"] : ["text"],
  };
}
