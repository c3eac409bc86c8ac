import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTinyBertModel } from "@hybrid-rag/models/testing";
import {
  type CrossEncoder,
  type CrossEncoderWorkerPool,
  createCrossEncoder,
  createCrossEncoderWorkerPool,
} from "@hybrid-rag/reranker";
import { type CrossEncoderPair, crossEncoderScorer } from "../cross-encoder-scorer.ts";
import type { PairScorer, ScoringPair, TokenizedPair } from "../pair-scorer.ts";

/** Longest pair the test model accepts: small, so over-length inputs are cheap to build. */
export const testMaxTokens = 64;

let shared: Promise<CrossEncoder> | undefined;

/** A real cross-encoder on a generated tiny BERT (random weights), loaded once per test file. */
export function loadTestCrossEncoder(): Promise<CrossEncoder> {
  shared ??= (async () => {
    const directory = await mkdtemp(join(tmpdir(), "reranker-server-model-"));
    await createTinyBertModel(directory, { kind: "cross-encoder", seed: 7 });
    return createCrossEncoder({
      model: directory,
      executionProvider: "cpu",
      maxLength: testMaxTokens,
      intraOpThreads: 1,
    });
  })();
  return shared;
}

export async function loadTestScorer(): Promise<PairScorer<CrossEncoderPair>> {
  return crossEncoderScorer(await loadTestCrossEncoder());
}

/** Scores pairs straight through a scorer, past any batcher: the reference answers of tests. */
export async function scoreDirectly<Pair extends TokenizedPair>(
  scorer: PairScorer<Pair>,
  pairs: readonly ScoringPair[],
): Promise<Float32Array> {
  return scorer.scoreTokenized(await scorer.tokenizePairs(pairs));
}

/** Tokens of a pair before truncation, special tokens included. */
export async function countTokens(
  scorer: PairScorer,
  query: string,
  passage: string,
): Promise<number> {
  return (await scorer.tokenizePairs([{ query, passage }]))[0]!.untruncatedTokens;
}

/** The test model on a one-thread worker pool, with model runs as large as `maxBatchPairs`. */
export async function loadTestWorkerPool(maxBatchPairs = 64): Promise<CrossEncoderWorkerPool> {
  const crossEncoder = await loadTestCrossEncoder();
  return createCrossEncoderWorkerPool({
    model: crossEncoder.model.path,
    executionProvider: "cpu",
    maxLength: testMaxTokens,
    intraOpThreads: 1,
    maxBatchSize: maxBatchPairs,
    maxTokensPerBatch: maxBatchPairs * testMaxTokens,
  });
}
