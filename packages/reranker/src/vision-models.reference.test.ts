import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hit } from "@hybrid-rag/core";
import type { GraphEvent } from "@hybrid-rag/models";
import { padBatch } from "@hybrid-rag/models/internal";
import {
  createDecoderRerankerDirectory,
  createVisionRerankerDirectory,
  torchUnavailableReason,
  visionReference,
  writeTestImages,
} from "@hybrid-rag/models/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCrossEncoderReranker } from "./cross-encoder-reranker.ts";

// The seed's VLM reranker (llama-nemotron-rerank-vl-1b-v2's layout at tiny size, random
// weights) scored by createCrossEncoderReranker — graph built from the safetensors directory,
// images decoded and tiled in TypeScript, NVIDIA's prompt with image tokens — against the
// independent PyTorch reference, which tiles the same image files itself with PIL.

const unavailable = await torchUnavailableReason();
if (unavailable && process.env.CI)
  throw new Error(`CI needs the PyTorch reference: ${unavailable}`);
if (unavailable) console.log(`skipping the VLM reranker comparison: ${unavailable}`);

const query = "which quarter had the highest revenue?";

let root: string;
let directory: string;
let imageContextId: number;
let images: Awaited<ReturnType<typeof writeTestImages>>;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "vision-reranker-"));
  directory = join(root, "model");
  ({ imageContextId } = await createVisionRerankerDirectory(directory));
  images = await writeTestImages(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(unavailable !== undefined)(
  "createCrossEncoderReranker on a llama-nemotron-vl-rerank directory",
  { timeout: 180_000 },
  () => {
    it("scores text-only, image-only and text+image hits equal to the PyTorch reference (≤ 1e-4)", async () => {
      const png = async (path: string) => ({
        mediaType: "image/png" as const,
        data: await readFile(path),
      });
      const documents = [
        { id: "text", text: "Revenue peaked in the third quarter at 4.2 million." },
        { id: "chart", text: "", image: await png(images.wide) },
        { id: "both", text: "Figure 2: quarterly revenue", image: await png(images.square) },
        { id: "tall", text: "", image: await png(images.tall) },
        { id: "other", text: "The office moved to a new building." },
      ];
      const hits: Hit[] = documents.map((document, index) => ({
        id: document.id,
        score: 0,
        rank: index + 1,
        document,
        sources: {},
      }));
      const events: GraphEvent[] = [];
      const reranker = await createCrossEncoderReranker({
        model: directory,
        hub: { graphCacheDirectory: join(root, "cache"), onGraph: (event) => events.push(event) },
        executionProvider: "cpu",
        maxLength: 256,
      });
      try {
        const reranked = await reranker.rerank(query, hits);
        expect(events.map((event) => [event.kind, event.family])).toEqual([
          ["built", "llama-nemotron-vl-rerank"],
        ]);
        const encoder = reranker.crossEncoder;
        const encoded = await encoder.encodePassages(query, documents);
        // The request: the image tokens of each passage are tokens-per-tile × its tiles.
        const contextCounts = encoded.map(
          (pair) => pair.ids.filter((id) => id === imageContextId).length,
        );
        expect(contextCounts).toEqual([0, 16 * 4, 16 * 1, 16 * 4, 0]);
        const batch = padBatch(encoded, encoder.model.tokenizer.padId);
        const rows = (values: BigInt64Array): number[][] =>
          Array.from({ length: batch.size }, (_, row) =>
            Array.from(
              values.subarray(row * batch.sequenceLength, (row + 1) * batch.sequenceLength),
              Number,
            ),
          );
        const reference = visionReference({
          directory,
          inputIds: rows(batch.inputIds),
          attentionMask: rows(batch.attentionMask),
          images: [images.wide, images.square, images.tall],
        });
        expect(reference.tilesPerImage).toEqual([4, 1, 4]);
        expect(reranked).toHaveLength(documents.length);
        const errors = reranked.map((hit) => {
          const index = documents.findIndex((document) => document.id === hit.id);
          return Math.abs(hit.score - reference.logits[index]!);
        });
        expect(Math.max(...errors)).toBeLessThanOrEqual(1e-4);
        expect(reranked.map((hit) => hit.rerank?.reranker)).toEqual(
          new Array(5).fill("cross-encoder"),
        );
        // Text only, through the same model: scorePairs on plain strings agrees.
        const textOnly = await encoder.scorePairs(query, [documents[0]!.text, documents[4]!.text]);
        expect(Math.abs(textOnly[0]! - reference.logits[0]!)).toBeLessThanOrEqual(1e-4);
        expect(Math.abs(textOnly[1]! - reference.logits[4]!)).toBeLessThanOrEqual(1e-4);
      } finally {
        await reranker.crossEncoder.release();
      }
    });

    it("refuses what it cannot read: a non-image, a stored reference without a reader, an image on a text model", async () => {
      const reranker = await createCrossEncoderReranker({
        model: directory,
        hub: { graphCacheDirectory: join(root, "cache"), onGraph: () => {} },
        executionProvider: "cpu",
        maxLength: 256,
      });
      const hit = (image: NonNullable<Hit["document"]>["image"]): Hit => ({
        id: "x",
        score: 0,
        rank: 1,
        document: { id: "x", text: "", ...(image ? { image } : {}) },
        sources: {},
      });
      try {
        await expect(
          reranker.rerank(query, [
            hit({ mediaType: "image/png", data: new TextEncoder().encode("not a picture") }),
          ]),
        ).rejects.toThrow(
          /passage 0's image is not a PNG, JPEG, WebP, GIF, BMP or TIFF image \(it starts with bytes 6e 6f/,
        );
        await expect(
          reranker.rerank(query, [hit({ mediaType: "image/png", ref: "ab12" })]),
        ).rejects.toThrow(/stored reference \(ab12\) and no resolveImage/);
        // Passages are decoded 16 at a time: a bad image in the second chunk is named by its
        // index in the whole list, and chunked scores equal one-batch scores.
        const square = { mediaType: "image/png" as const, data: await readFile(images.square) };
        const many = Array.from({ length: 18 }, (_, index) => ({
          text: `page ${index}`,
          ...(index % 3 === 0 ? { image: square } : {}),
        }));
        const chunked = await reranker.crossEncoder.scorePassages(query, many);
        const whole = await reranker.crossEncoder.scoreEncoded(
          await reranker.crossEncoder.encodePassages(query, many),
        );
        for (const [index, score] of chunked.entries()) {
          expect(Math.abs(score - whole[index]!)).toBeLessThanOrEqual(1e-5);
        }
        const broken = [
          ...many.slice(0, 17),
          { text: "", image: { mediaType: "image/png" as const, data: new Uint8Array(4) } },
        ];
        await expect(reranker.crossEncoder.scorePassages(query, broken)).rejects.toThrow(
          /passage 17's image is not a PNG/,
        );
        const big = await readFile(images.wide);
        await expect(
          reranker.crossEncoder.scorePassages(
            query,
            [{ text: "", image: { mediaType: "image/png", data: big } }],
            {
              imageLimits: { maxPixels: 100 },
            },
          ),
        ).rejects.toThrow(/83×29 pixels, over the limit of 100/);
      } finally {
        await reranker.crossEncoder.release();
      }
      const textDirectory = join(root, "text-model");
      await createDecoderRerankerDirectory(textDirectory, "llama-bidirectional");
      const textReranker = await createCrossEncoderReranker({
        model: textDirectory,
        hub: { graphCacheDirectory: join(root, "cache"), onGraph: () => {} },
        executionProvider: "cpu",
        maxLength: 48,
      });
      try {
        await expect(
          textReranker.crossEncoder.scorePassages(query, [
            { text: "a", image: { mediaType: "image/png", data: await readFile(images.square) } },
          ]),
        ).rejects.toThrow(/reads text only, and passage 0 has an image/);
      } finally {
        await textReranker.crossEncoder.release();
      }
    });
  },
);
