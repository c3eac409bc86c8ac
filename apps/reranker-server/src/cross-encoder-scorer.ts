import type { ProviderReport } from "@hybrid-rag/models";
import type {
  ChosenModelFile,
  CrossEncoder,
  CrossEncoderWorkerPool,
  EncodedPair,
} from "@hybrid-rag/reranker";
import type { PairScorer, TokenizedPair } from "./pair-scorer.ts";

/** A pair with the cross-encoder's encoding, made once at admission. */
export interface CrossEncoderPair extends TokenizedPair {
  readonly encoded: EncodedPair;
}

/**
 * Serves a `CrossEncoder` to the batcher. Pairs are tokenised once, at admission; a batch that
 * mixes several requests' queries is scored with one `scoreEncoded` call, which sorts its pairs
 * by length and cuts them into model runs by the encoder's token budget.
 */
export function crossEncoderScorer(crossEncoder: CrossEncoder): PairScorer<CrossEncoderPair> {
  return {
    maxTokens: crossEncoder.maxLength,
    device: deviceOf(crossEncoder),
    tokenizePairs(pairs) {
      // Over-length pairs with truncate NONE are refused from `untruncatedTokens` before queueing.
      const encoded = crossEncoder.tokenizePairs(pairs, { truncate: "END" });
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
    },
    scoreTokenized(pairs, signal) {
      return crossEncoder.scoreEncoded(
        pairs.map((pair) => pair.encoded),
        signal ? { signal } : {},
      );
    },
  };
}

/**
 * Serves a `CrossEncoderWorkerPool`: tokenising and model runs happen on worker threads, so the
 * HTTP thread keeps answering (health checks, timeouts, new requests) while a batch is scored.
 */
export function workerPoolScorer(pool: CrossEncoderWorkerPool): PairScorer<CrossEncoderPair> {
  return {
    maxTokens: pool.maxLength,
    device: deviceOf(pool),
    tokenizeConcurrency: pool.size,
    async tokenizePairs(pairs, signal) {
      const encoded = await pool.tokenizePairs(pairs, {
        truncate: "END",
        ...(signal ? { signal } : {}),
      });
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
    },
    scoreTokenized(pairs, signal) {
      return pool.scoreEncoded(
        pairs.map((pair) => pair.encoded),
        signal ? { signal } : {},
      );
    },
  };
}

/** What `/v1/metadata` shows of the loaded model: the provider in use, never just the request. */
function deviceOf(model: {
  readonly providerReport: ProviderReport;
  readonly modelFile: ChosenModelFile;
}): Readonly<Record<string, unknown>> {
  const report = model.providerReport;
  return {
    executionProvider: report.provider,
    requestedExecutionProvider: report.requestedProvider,
    allNodesOnProvider: report.allNodesOnProvider,
    providerFallback: report.fallbackReason ?? null,
    precision: model.modelFile.precision,
    onnxFile: model.modelFile.path,
  };
}
