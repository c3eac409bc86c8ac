import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModelDirectory, type ModelDirectory } from "../model-directory.ts";
import { batchFeeds, padBatch } from "../padded-batch.ts";
import {
  createSafetensorsModel,
  type EncoderFamilyName,
  type SafetensorsModelOptions,
} from "../testing/create-safetensors-model.ts";
import {
  type ReferenceBatch,
  runPytorchReference,
  torchUnavailableReason,
} from "../testing/pytorch-reference.ts";
import { longestFirstLengths } from "../truncation.ts";

// Our TypeScript path (safetensors → graph built by the family → onnxruntime) against the
// independent PyTorch forward passes in packages/models/reference/encoders.py.

const unavailable = await torchUnavailableReason();
if (unavailable && process.env.CI)
  throw new Error(`CI needs the PyTorch reference: ${unavailable}`);
if (unavailable) console.log(`skipping the PyTorch reference comparisons: ${unavailable}`);

const query = "what do mitochondria produce in a cell?";
const passages = [
  "Mitochondria produce ATP.",
  "The mitochondrion is the powerhouse of the cell: it turns glucose and oxygen into adenosine triphosphate, the energy currency every cell spends, and it keeps its own small circular genome inherited from the mother.",
  "Paris is the capital of France.",
  "",
  "Photosynthesis happens in chloroplasts, not in mitochondria; plants have both organelles, and animals only the second, which is why their cells respire but never photosynthesise.",
];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "encoder-reference-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Pairs of different lengths (padding), one cut by `maxLength` (truncation), long inputs. */
function encodePairs(model: ModelDirectory, maxLength: number): ReturnType<typeof padBatch> {
  const tokenizer = model.tokenizer;
  const queryTokens = tokenizer.tokenize(query);
  const encoded = passages.map((passage) => {
    const passageTokens = tokenizer.tokenize(passage);
    const [keepQuery, keepPassage] = longestFirstLengths(
      queryTokens.length,
      passageTokens.length,
      maxLength - tokenizer.specialTokensPair,
    );
    return tokenizer.assemble(queryTokens.slice(0, keepQuery), passageTokens.slice(0, keepPassage));
  });
  return padBatch(encoded, tokenizer.padId);
}

function referenceBatchOf(batch: ReturnType<typeof padBatch>): ReferenceBatch {
  const rows = (values: BigInt64Array): number[][] =>
    Array.from({ length: batch.size }, (_, row) =>
      Array.from(
        values.subarray(row * batch.sequenceLength, (row + 1) * batch.sequenceLength),
        Number,
      ),
    );
  return {
    input_ids: rows(batch.inputIds),
    attention_mask: rows(batch.attentionMask),
    token_type_ids: rows(batch.tokenTypeIds),
  };
}

function maxAbsoluteDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let largest = 0;
  for (let index = 0; index < actual.length; index++) {
    largest = Math.max(largest, Math.abs(actual[index]! - expected[index]!));
  }
  return largest;
}

interface Case {
  readonly name: string;
  readonly options: SafetensorsModelOptions;
  readonly precision?: "float32" | "float16";
  /** Longest pair in tokens (default 40); the model's whole position table when it is maxPositions. */
  readonly maxLength?: number;
}

const crossEncoderCases: Case[] = [
  {
    name: "bert, pairs as long as max_position_embeddings",
    options: { family: "bert", task: "cross-encoder", maxPositions: 48 },
    maxLength: 48,
  },
  {
    name: "xlm-roberta, pairs as long as the position table allows (padding_idx offset)",
    options: { family: "xlm-roberta", task: "cross-encoder", maxPositions: 48 },
    maxLength: 48,
  },
  { name: "bert, F32", options: { family: "bert", task: "cross-encoder" } },
  {
    name: "bert, BF16, 3 shards",
    options: { family: "bert", task: "cross-encoder", dtype: "BF16", shards: 3 },
  },
  {
    name: "bert, F16 weights, float16 graph",
    options: { family: "bert", task: "cross-encoder", dtype: "F16" },
    precision: "float16",
  },
  { name: "xlm-roberta, F32", options: { family: "xlm-roberta", task: "cross-encoder" } },
  {
    name: "xlm-roberta, F16, 2 shards",
    options: { family: "xlm-roberta", task: "cross-encoder", dtype: "F16", shards: 2 },
  },
  {
    name: "xlm-roberta, float16 graph",
    options: { family: "xlm-roberta", task: "cross-encoder" },
    precision: "float16",
  },
  {
    name: "modernbert (mean pooling), F32",
    options: { family: "modernbert", task: "cross-encoder", layers: 4 },
  },
  {
    name: "modernbert with every bias (norm, attention, mlp, classifier)",
    options: { family: "modernbert", task: "cross-encoder", layers: 4, biases: true },
  },
  {
    name: "modernbert, float16 graph",
    options: { family: "modernbert", task: "cross-encoder", layers: 4 },
    precision: "float16",
  },
  {
    name: "modernbert (cls pooling), BF16",
    options: {
      family: "modernbert",
      task: "cross-encoder",
      layers: 4,
      classifierPooling: "cls",
      dtype: "BF16",
    },
  },
];

const families: EncoderFamilyName[] = ["bert", "xlm-roberta", "modernbert"];
const embedderCases: Case[] = families.flatMap((family) =>
  (["mean", "cls"] as const).map((pooling) => ({
    name: `${family}, ${pooling} pooling`,
    options: {
      family,
      task: "embedder" as const,
      pooling,
      layers: family === "modernbert" ? 4 : 2,
    },
  })),
);

async function loadCase(testCase: Case, folder: string): Promise<ModelDirectory> {
  const directory = join(root, folder);
  await createSafetensorsModel(directory, testCase.options);
  expect((await readdir(directory)).some((file) => file.endsWith(".onnx"))).toBe(false);
  return loadModelDirectory(directory, {
    task: testCase.options.task,
    graphPrecision: testCase.precision ?? "float32",
    graphCacheDirectory: join(root, "graph-cache"),
    onGraph: () => {},
  });
}

describe.skipIf(unavailable !== undefined)(
  "encoder families against the PyTorch reference",
  { timeout: 180_000 },
  () => {
    it.each(crossEncoderCases)(
      "cross-encoder $name: logits within 1e-4 (1e-2 for float16 graphs)",
      async (testCase) => {
        const model = await loadCase(testCase, `cross-${testCase.name.replaceAll(/\W+/g, "-")}`);
        expect(model.builtGraph?.task).toBe("cross-encoder");
        // 40 tokens: the long passages are truncated, and every sequence is past ModernBERT's 8-token window.
        const batch = encodePairs(model, testCase.maxLength ?? 40);
        expect(batch.sequenceLength).toBe(testCase.maxLength ?? 40);
        const session = await ort.InferenceSession.create(model.onnxPath);
        try {
          const outputs = await session.run(batchFeeds(batch, session.inputNames));
          const logits = outputs.logits!;
          expect(logits.dims).toEqual([passages.length, 1]);
          const reference = await runPytorchReference(
            "encoders.py",
            model.path,
            "cross-encoder",
            referenceBatchOf(batch),
          );
          const difference = maxAbsoluteDifference(logits.data as Float32Array, reference.logits!);
          expect(difference).toBeLessThanOrEqual(testCase.precision === "float16" ? 1e-2 : 1e-4);
          // Random weights still separate the pairs: the comparison is not between constants.
          expect(new Set(reference.logits!.map((logit) => logit.toFixed(3))).size).toBeGreaterThan(
            3,
          );
        } finally {
          await session.release();
        }
      },
    );

    it.each(embedderCases)("embedder $name: hidden states within 1e-4", async (testCase) => {
      const model = await loadCase(testCase, `embed-${testCase.name.replaceAll(/\W+/g, "-")}`);
      expect(model.sentenceTransformers?.pooling).toBe(testCase.options.pooling);
      const batch = encodePairs(model, 40);
      const session = await ort.InferenceSession.create(model.onnxPath);
      try {
        const outputs = await session.run(batchFeeds(batch, session.inputNames));
        const states = outputs.last_hidden_state!;
        const hidden = testCase.options.hidden ?? 64;
        expect(states.dims).toEqual([passages.length, batch.sequenceLength, hidden]);
        const reference = await runPytorchReference(
          "encoders.py",
          model.path,
          "embedder",
          referenceBatchOf(batch),
        );
        // Padded positions are not compared: both sides leave them unspecified.
        const ours: number[] = [];
        const theirs: number[] = [];
        const data = states.data as Float32Array;
        for (let row = 0; row < batch.size; row++) {
          for (let column = 0; column < batch.sequenceLength; column++) {
            if (batch.attentionMask[row * batch.sequenceLength + column] === 0n) continue;
            const offset = (row * batch.sequenceLength + column) * hidden;
            ours.push(...data.subarray(offset, offset + hidden));
            theirs.push(...reference.last_hidden_state![row]![column]!);
          }
        }
        expect(maxAbsoluteDifference(ours, theirs)).toBeLessThanOrEqual(1e-4);
      } finally {
        await session.release();
      }
    });
  },
);
