import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { padBatch } from "@hybrid-rag/models/internal";
import {
  createSafetensorsModel,
  type EncoderFamilyName,
  runPytorchReference,
  torchUnavailableReason,
} from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOnnxEmbedder } from "./onnx-embedder.ts";

// A sentence-transformers directory with safetensors weights only, embedded by createOnnxEmbedder,
// against the PyTorch reference's pooled, normalised embeddings on the same token ids.

const unavailable = await torchUnavailableReason();
if (unavailable && process.env.CI)
  throw new Error(`CI needs the PyTorch reference: ${unavailable}`);
if (unavailable) console.log(`skipping the PyTorch reference comparisons: ${unavailable}`);

const texts = [
  "Vaccines expose the immune system to a harmless piece of a pathogen.",
  "short",
  "The immune system learns from a vaccine: antigen-presenting cells show the antigen to T cells, B cells make antibodies, and memory cells stay ready for years.",
];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "safetensors-embedder-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const cases = (["bert", "xlm-roberta", "modernbert"] as EncoderFamilyName[]).flatMap((family) =>
  (["cls", "mean"] as const).map((pooling) => ({ family, pooling })),
);

describe.skipIf(unavailable !== undefined)(
  "createOnnxEmbedder on a safetensors directory",
  { timeout: 180_000 },
  () => {
    it.each(cases)(
      "$family, $pooling pooling: embeddings equal the PyTorch reference's (≤ 1e-4)",
      async ({ family, pooling }) => {
        const directory = join(root, `${family}-${pooling}`);
        await createSafetensorsModel(directory, {
          family,
          task: "embedder",
          pooling,
          layers: family === "modernbert" ? 4 : 2,
        });
        const embedder = await createOnnxEmbedder({
          model: directory,
          hub: { graphCacheDirectory: join(root, "cache"), onGraph: () => {} },
          executionProvider: "cpu",
          maxLength: 24,
        });
        try {
          expect(embedder.model.builtGraph?.task).toBe("embedder");
          expect(embedder.pooling).toBe(pooling);
          const vectors = await embedder.embedPassages(texts);
          const tokenizer = embedder.model.tokenizer;
          const encoded = texts.map((text) =>
            tokenizer.assemble(
              tokenizer.tokenize(text).slice(0, 24 - tokenizer.specialTokensSingle),
            ),
          );
          const batch = padBatch(encoded, tokenizer.padId);
          const rows = (values: BigInt64Array): number[][] =>
            Array.from({ length: batch.size }, (_, row) =>
              Array.from(
                values.subarray(row * batch.sequenceLength, (row + 1) * batch.sequenceLength),
                Number,
              ),
            );
          const reference = await runPytorchReference("encoders.py", directory, "embedder", {
            input_ids: rows(batch.inputIds),
            attention_mask: rows(batch.attentionMask),
            token_type_ids: rows(batch.tokenTypeIds),
          });
          for (const [index, vector] of vectors.entries()) {
            const expected = reference.embeddings![index]!;
            expect(vector.length).toBe(expected.length);
            const largest = Math.max(
              ...Array.from(vector, (value, at) => Math.abs(value - expected[at]!)),
            );
            expect(largest).toBeLessThanOrEqual(1e-4);
          }
        } finally {
          await embedder.release();
        }
      },
    );
  },
);
