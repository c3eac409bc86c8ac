import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mulberry32 } from "@hybrid-rag/core/internal";
import type { SafetensorsDType } from "../../testing/write-safetensors.ts";
import type { GraphPrecision, ModelFamily } from "../model-family.ts";
import { type DecoderHead, writeDecoderCheckpoint } from "./decoder-checkpoints.ts";
import { createFamilySession, paddedFeeds, runLogits } from "./family-session.ts";
import { readTestWeights } from "./in-memory-weights.ts";
import { referenceLogits } from "./torch-reference.ts";

export interface ComparisonCase {
  readonly family: ModelFamily;
  readonly config: Readonly<Record<string, unknown>>;
  readonly head: DecoderHead;
  readonly queryKeyNorm?: boolean;
  readonly storedAs?: SafetensorsDType;
  readonly shards?: number;
  readonly precision?: GraphPrecision;
  readonly tokenId?: (token: string) => number | undefined;
  readonly yesId?: number;
  readonly noId?: number;
}

export interface Comparison {
  readonly ours: readonly number[];
  readonly reference: readonly number[];
  readonly maxDifference: number;
  /** Each row scored alone (batch of one), to show padding changes nothing. */
  readonly alone: readonly number[];
  readonly rowLengths: readonly number[];
}

/**
 * Token rows that exercise what the graphs must get right: a one-token row, rows that need
 * padding, rows past 32 tokens (the tiny Llama's original_max_position_embeddings, and twice
 * the Mistral window), and a 300-token input truncated to the model's 128 positions, as the
 * tokenizer truncates it.
 */
export function testRows(vocabularySize: number, maxPositions: number, seed = 7): number[][] {
  const uniform = mulberry32(seed);
  const row = (length: number): number[] =>
    Array.from({ length }, () => 1 + Math.floor(uniform() * (vocabularySize - 1)));
  return [row(1), row(5), row(17), row(40), row(70), row(300).slice(0, maxPositions)];
}

/** Writes the checkpoint, scores the rows with our graph and the PyTorch reference. */
export async function compareWithReference(testCase: ComparisonCase): Promise<Comparison> {
  const directory = await mkdtemp(join(tmpdir(), `hybrid-rag-${testCase.family.name}-`));
  try {
    await writeDecoderCheckpoint(directory, testCase.config, {
      head: testCase.head,
      queryKeyNorm: testCase.queryKeyNorm ?? false,
      dtype: testCase.storedAs ?? "F32",
      shards: testCase.shards ?? 1,
    });
    const config = JSON.parse(await readFile(join(directory, "config.json"), "utf8"));
    const { session } = await createFamilySession({
      family: testCase.family,
      config,
      weights: await readTestWeights(directory),
      precision: testCase.precision ?? "float32",
      ...(testCase.tokenId === undefined ? {} : { tokenId: testCase.tokenId }),
    });
    const rows = testRows(config.vocab_size, config.max_position_embeddings);
    const batch = paddedFeeds(rows);
    const ours = await runLogits(session, batch.feeds);
    const alone: number[] = [];
    for (const row of rows) alone.push(...(await runLogits(session, paddedFeeds([row]).feeds)));
    const reference = referenceLogits({
      family: testCase.family.name,
      directory,
      inputIds: batch.inputIds,
      attentionMask: batch.attentionMask,
      ...(testCase.yesId === undefined ? {} : { yesId: testCase.yesId }),
      ...(testCase.noId === undefined ? {} : { noId: testCase.noId }),
    });
    const maxDifference = Math.max(
      ...ours.map((value, index) => Math.abs(value - (reference[index] ?? Number.NaN))),
    );
    await session.release();
    return { ours, reference, maxDifference, alone, rowLengths: rows.map((row) => row.length) };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
