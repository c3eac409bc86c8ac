import type { CrossEncoder, EncodedPair } from "@hybrid-rag/reranker";
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
  const report = crossEncoder.providerReport;
  return {
    maxTokens: crossEncoder.maxLength,
    device: {
      executionProvider: report.provider,
      requestedExecutionProvider: report.requestedProvider,
      allNodesOnProvider: report.allNodesOnProvider,
      providerFallback: report.fallbackReason ?? null,
      precision: crossEncoder.modelFile.precision,
      onnxFile: crossEncoder.modelFile.path,
    },
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
