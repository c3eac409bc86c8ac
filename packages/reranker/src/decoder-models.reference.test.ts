import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hit } from "@hybrid-rag/core";
import type { GraphEvent } from "@hybrid-rag/models";
import { padBatch } from "@hybrid-rag/models/internal";
import {
  createDecoderRerankerDirectory,
  type DecoderRerankerFamilyName,
  decoderReferenceLogits,
  defaultVocabularyPath,
  torchUnavailableReason,
} from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCrossEncoderReranker } from "./cross-encoder-reranker.ts";

// The seed's decoder rerankers as published (config.json + safetensors + tokenizer, no ONNX),
// scored by createCrossEncoderReranker — graph built from the directory, the family's pair
// template applied — against the independent PyTorch reference on the same token ids.

const unavailable = await torchUnavailableReason();
if (unavailable && process.env.CI)
  throw new Error(`CI needs the PyTorch reference: ${unavailable}`);
if (unavailable) console.log(`skipping the decoder reranker comparisons: ${unavailable}`);

const query = "how do vaccines train the immune system?";
const passages = [
  "Vaccines expose the immune system to a harmless piece of a pathogen.",
  `The immune system learns from a vaccine: antigen-presenting cells show the antigen to T cells, B cells make antibodies, and memory cells stay ready for years. ${"Boosters renew that memory before it fades. ".repeat(6)}`,
  "Rome was not built in a day.",
];

let root: string;
let vocabulary: string[];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "decoder-reranker-"));
  vocabulary = (await readFile(defaultVocabularyPath, "utf8")).split("\n");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const families: DecoderRerankerFamilyName[] = ["llama-bidirectional", "mistral", "qwen3-reranker"];

describe.skipIf(unavailable !== undefined)(
  "createCrossEncoderReranker on a decoder reranker directory",
  { timeout: 180_000 },
  () => {
    it.each(families)(
      "%s: reranker scores equal the PyTorch reference's logits (≤ 1e-4), the second start uses the cache",
      async (family) => {
        const directory = join(root, family);
        await createDecoderRerankerDirectory(directory, family);
        const events: GraphEvent[] = [];
        const hub = {
          graphCacheDirectory: join(root, "cache"),
          onGraph: (event: GraphEvent) => events.push(event),
        };
        // Qwen3's instruct template alone takes ~110 of these WordPiece tokens.
        const maxLength = family === "qwen3-reranker" ? 160 : 48;
        const options = { model: directory, hub, executionProvider: "cpu" as const, maxLength };
        const reranker = await createCrossEncoderReranker(options);
        try {
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
          // The long passage is cut to the model's length: truncation is exercised.
          expect(Math.max(...encoded.map((pair) => pair.untruncatedLength))).toBeGreaterThan(
            maxLength,
          );
          const batch = padBatch(encoded, encoder.model.tokenizer.padId);
          const rows = (values: BigInt64Array): number[][] =>
            Array.from({ length: batch.size }, (_, row) =>
              Array.from(
                values.subarray(row * batch.sequenceLength, (row + 1) * batch.sequenceLength),
                Number,
              ),
            );
          const reference = decoderReferenceLogits({
            family,
            directory,
            inputIds: rows(batch.inputIds),
            attentionMask: rows(batch.attentionMask),
            ...(family === "qwen3-reranker"
              ? { yesId: vocabulary.indexOf("yes"), noId: vocabulary.indexOf("no") }
              : {}),
          });
          expect(reranked).toHaveLength(passages.length);
          for (const hit of reranked) {
            const index = Number(hit.id.slice(1));
            expect(Math.abs(hit.score - reference[index]!)).toBeLessThanOrEqual(1e-4);
          }
        } finally {
          await reranker.crossEncoder.release();
        }
        const again = await createCrossEncoderReranker(options);
        await again.crossEncoder.release();
        expect(events.map((event) => [event.kind, event.family])).toEqual([
          ["built", family],
          ["cached", family],
        ]);
      },
    );
  },
);
