import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hit } from "@hybrid-rag/core";
import type { GraphEvent } from "@hybrid-rag/models";
import { padBatch } from "@hybrid-rag/models/internal";
import {
  createSafetensorsModel,
  type EncoderFamilyName,
  runPytorchReference,
  torchUnavailableReason,
} from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CrossEncoder } from "./cross-encoder.ts";
import { createCrossEncoderReranker } from "./cross-encoder-reranker.ts";

// A directory as save_pretrained() leaves it (safetensors, no ONNX) scored by
// createCrossEncoderReranker, against the independent PyTorch reference on the same token ids.

const unavailable = await torchUnavailableReason();
if (unavailable && process.env.CI)
  throw new Error(`CI needs the PyTorch reference: ${unavailable}`);
if (unavailable) console.log(`skipping the PyTorch reference comparisons: ${unavailable}`);

const query = "how do vaccines train the immune system?";
const passages = [
  "Vaccines expose the immune system to a harmless piece of a pathogen.",
  "",
  "The immune system learns from a vaccine: antigen-presenting cells show the antigen to T cells, B cells make antibodies, and memory cells stay ready for years so that a later infection is stopped early.",
  "Rome was not built in a day.",
];

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "safetensors-reranker-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const families: EncoderFamilyName[] = ["bert", "xlm-roberta", "modernbert"];

describe.skipIf(unavailable !== undefined)(
  "createCrossEncoderReranker on a safetensors directory",
  { timeout: 180_000 },
  () => {
    it.each(families)(
      "%s: reranker scores equal the PyTorch reference's logits (≤ 1e-4)",
      async (family) => {
        const directory = join(root, family);
        await createSafetensorsModel(directory, {
          family,
          task: "cross-encoder",
          layers: family === "modernbert" ? 4 : 2,
        });
        const events: GraphEvent[] = [];
        const hub = {
          graphCacheDirectory: join(root, "cache"),
          onGraph: (event: GraphEvent) => events.push(event),
        };
        const reranker = await createCrossEncoderReranker({
          model: directory,
          hub,
          executionProvider: "cpu",
          maxLength: 32,
        });
        try {
          expect(events.map((event) => [event.kind, event.family, event.task])).toEqual([
            ["built", family, "cross-encoder"],
          ]);
          const hits: Hit[] = passages.map((text, index) => ({
            id: `d${index}`,
            score: 0,
            rank: index + 1,
            document: { id: `d${index}`, text },
            sources: {},
          }));
          const reranked = await reranker.rerank(query, hits);
          const encoder = reranker.crossEncoder;
          const encoded = encoder.tokenizePairs(passages.map((passage) => ({ query, passage })));
          expect(Math.max(...encoded.map((pair) => pair.untruncatedLength))).toBeGreaterThan(32);
          const batch = padBatch(encoded, encoder.model.tokenizer.padId);
          const rows = (values: BigInt64Array): number[][] =>
            Array.from({ length: batch.size }, (_, row) =>
              Array.from(
                values.subarray(row * batch.sequenceLength, (row + 1) * batch.sequenceLength),
                Number,
              ),
            );
          const reference = await runPytorchReference("encoders.py", directory, "cross-encoder", {
            input_ids: rows(batch.inputIds),
            attention_mask: rows(batch.attentionMask),
            token_type_ids: rows(batch.tokenTypeIds),
          });
          for (const hit of reranked) {
            const index = Number(hit.id.slice(1));
            expect(Math.abs(hit.score - reference.logits![index]!)).toBeLessThanOrEqual(1e-4);
          }
          // Sorted by the reference's order too.
          const referenceOrder = [...reference.logits!.keys()].sort(
            (a, b) => reference.logits![b]! - reference.logits![a]!,
          );
          expect(reranked.map((hit) => hit.id)).toEqual(referenceOrder.map((index) => `d${index}`));
        } finally {
          await reranker.crossEncoder.release();
        }
      },
    );

    it("precision fp16 builds and caches the float16 graph from the same weights (≤ 1e-2 of fp32)", async () => {
      const directory = join(root, "bert-fp16");
      await createSafetensorsModel(directory, {
        family: "bert",
        task: "cross-encoder",
        dtype: "F16",
      });
      const events: GraphEvent[] = [];
      const hub = {
        graphCacheDirectory: join(root, "cache"),
        onGraph: (event: GraphEvent) => events.push(event),
      };
      const fp32 = await CrossEncoder.create({
        model: directory,
        hub,
        executionProvider: "cpu",
        precision: "fp32",
      });
      const fp16 = await CrossEncoder.create({
        model: directory,
        hub,
        executionProvider: "cpu",
        precision: "fp16",
      });
      try {
        expect(fp16.modelFile.precision).toBe("fp16");
        expect(fp16.modelFile.path).not.toBe(fp32.modelFile.path);
        expect(events.map((event) => [event.kind, event.precision])).toEqual([
          ["built", "float32"],
          ["cached", "float32"],
          ["built", "float16"],
        ]);
        const expected = await fp32.scorePairs(query, passages);
        const actual = await fp16.scorePairs(query, passages);
        for (const [index, logit] of actual.entries()) {
          expect(Math.abs(logit - expected[index]!)).toBeLessThanOrEqual(1e-2);
        }
      } finally {
        await fp32.release();
        await fp16.release();
      }
    });
  },
);
