// Issue 22's first acceptance point, end to end: a PDF whose answer is only in a chart drawn as
// vector graphics is ingested with page images on; a query's text hit brings the stored page
// image into the rerank candidates; the in-process VLM cross-encoder (tiny random weights)
// scores it equal to the PyTorch reference, and a remote NIM VLM reranker (loopback stub)
// receives it in NIM's documented request shape.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedCollection, openCollection } from "@hybrid-rag/collection";
import type { Hit, Reranker, StoredImageReference } from "@hybrid-rag/core";
import { type LoopbackServer, sendJson, startLoopbackServer } from "@hybrid-rag/core/testing";
import { loadFolder } from "@hybrid-rag/loaders";
import { createChartPdf } from "@hybrid-rag/loaders/testing";
import { padBatch } from "@hybrid-rag/models/internal";
import {
  createVisionRerankerDirectory,
  torchUnavailableReason,
  visionReference,
} from "@hybrid-rag/models/testing";
import { createCrossEncoderReranker, createNimReranker } from "@hybrid-rag/reranker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

const unavailable = await torchUnavailableReason();
if (unavailable && process.env.CI)
  throw new Error(`CI needs the PyTorch reference: ${unavailable}`);
if (unavailable) console.log(`skipping the in-process VLM comparison: ${unavailable}`);

const query = "berth fee in the fourth quarter";
const pageImageId = "fees.pdf#page=2#0";

// NIM's VLM ranking request (NeMo Retriever Reranking NIM API): each passage has text, image
// or both; image-only passages omit text; images are base64 data URLs; at most 512 passages.
const nimVlmRequest = z.strictObject({
  model: z.string().min(1),
  query: z.strictObject({ text: z.string().min(1) }),
  passages: z
    .array(
      z
        .strictObject({
          text: z.string().min(1).optional(),
          image: z
            .string()
            .regex(/^data:image\/(png|jpeg|webp|gif|bmp|tiff);base64,[A-Za-z0-9+/]+={0,2}$/)
            .optional(),
        })
        .refine((passage) => passage.text !== undefined || passage.image !== undefined),
    )
    .min(1)
    .max(512),
  truncate: z.enum(["NONE", "END"]),
});

/** Passes calls through, keeping what each one was given (the candidates that reached the model). */
function recording(reranker: Reranker): Reranker & { readonly calls: Hit[][] } {
  const calls: Hit[][] = [];
  return {
    name: reranker.name,
    ...(reranker.accepts ? { accepts: reranker.accepts } : {}),
    calls,
    rerank(query, candidates, options) {
      calls.push([...candidates]);
      return reranker.rerank(query, candidates, options);
    },
  };
}

let root: string;
let collectionDirectory: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "cli-page-images-"));
  const folder = join(root, "docs");
  collectionDirectory = join(root, "collection");
  await mkdir(folder);
  await writeFile(
    join(folder, "fees.pdf"),
    await createChartPdf({
      title: "Berth fees",
      intro: "Berth fees by quarter are charted on the next page.",
      values: [120, 340, 220, 460],
    }),
  );
  const collection = createEmbeddedCollection({});
  // 36 dpi keeps the page image small (a few tiles for the tiny model and the reference).
  const summary = await collection.ingest(
    loadFolder(folder, { pdf: { pageImages: "no-text-layer", dpi: 36 } }),
  );
  expect(summary).toMatchObject({ added: 2, failed: 0, skipped: [] });
  expect(summary.images).toEqual({ stored: 1, deduplicated: 0, skipped: [], imageOnly: 1 });
  await collection.save(collectionDirectory);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("a chart-only PDF page, stored by the collection, reranked by a VLM", () => {
  it.skipIf(unavailable !== undefined)(
    'reaches the in-process VLM cross-encoder through pageImages "add" and scores as the PyTorch reference (≤ 1e-4)',
    { timeout: 240_000 },
    async () => {
      const modelDirectory = join(root, "vlm");
      const { imageContextId } = await createVisionRerankerDirectory(modelDirectory);
      const reader = await openCollection(collectionDirectory);
      const vlm = await createCrossEncoderReranker({
        model: modelDirectory,
        hub: { graphCacheDirectory: join(root, "graph-cache"), onGraph: () => {} },
        executionProvider: "cpu",
        maxLength: 512,
        images: {
          resolveImage: async (image) => (await reader.images.resolveImage(image)).data,
        },
      });
      try {
        const reranker = recording(vlm);
        const collection = await openCollection(collectionDirectory, { reranker });
        const result = await collection.search(query, { pageImages: "add", topK: 5 });
        // BM25 found the text page only; the chart page joined through its page image.
        const candidates = reranker.calls[0]!;
        expect(candidates.map((hit) => hit.id)).toEqual(["fees.pdf#0", pageImageId]);
        const image = candidates[1]!.document!.image as StoredImageReference;
        expect(image.ref).toMatch(/^[0-9a-f]{64}$/);
        const scored = result.hits.find((hit) => hit.id === pageImageId)!;
        expect(scored.rerank?.reranker).toBe("cross-encoder");

        // The reference scores the same (query, page image) pair from the image file.
        const pageImage = await reader.images.resolveImage(image);
        const imagePath = join(root, "page-2.png");
        await writeFile(imagePath, pageImage.data);
        const encoder = vlm.crossEncoder;
        const encoded = await encoder.encodePassages(
          query,
          [{ text: candidates[1]!.document!.title ?? "", image: pageImage }],
          { truncate: "END" },
        );
        const batch = padBatch(encoded, encoder.model.tokenizer.padId);
        const reference = visionReference({
          directory: modelDirectory,
          inputIds: [Array.from(batch.inputIds, Number)],
          attentionMask: [Array.from(batch.attentionMask, Number)],
          images: [imagePath],
        });
        // The request: the page image's tokens are the tiny model's 16 per tile × the tiles the
        // reference cut from the same file (PIL), and at least one tile.
        expect(reference.tilesPerImage[0]).toBeGreaterThanOrEqual(1);
        const imageTokens = encoded[0]!.ids.filter((id) => id === imageContextId).length;
        expect(imageTokens).toBe(16 * reference.tilesPerImage[0]!);
        const difference = Math.abs(scored.score - reference.logits[0]!);
        console.info(
          `page image: ${reference.tilesPerImage[0]} tiles, logit ${scored.score} vs PyTorch ${reference.logits[0]} (|Δ| ${difference.toExponential(2)})`,
        );
        expect(difference).toBeLessThanOrEqual(1e-4);
        // Not a constant: the text page scores otherwise through the same model.
        const textHit = result.hits.find((hit) => hit.id === "fees.pdf#0")!;
        expect(Math.abs(textHit.score - scored.score)).toBeGreaterThan(1e-3);
      } finally {
        await vlm.crossEncoder.release();
      }
    },
  );

  describe("through a remote NIM VLM reranker", () => {
    let nim: LoopbackServer;
    beforeAll(async () => {
      // The stub ranks a passage with an image above one without (it cannot read the chart).
      nim = await startLoopbackServer((request, response) => {
        const parsed = nimVlmRequest.safeParse(request.body);
        if (!parsed.success)
          return sendJson(response, 422, { object: "error", message: parsed.error.message });
        sendJson(response, 200, {
          rankings: parsed.data.passages
            .map((passage, index) => ({ index, logit: passage.image ? 1 : 0 }))
            .sort((a, b) => b.logit - a.logit),
        });
      });
    });
    afterAll(async () => {
      await nim.close();
    });

    it("sends the stored page image, resolved by the collection, in NIM's request shape", async () => {
      const reader = await openCollection(collectionDirectory);
      const reranker = createNimReranker({
        baseUrl: nim.url,
        model: "nvidia/llama-nemotron-rerank-vl-1b-v2",
        acceptsImages: true,
        imageResolver: reader.images,
        retry: { initialDelayMs: 1, maxDelayMs: 5, maxRetries: 0 },
      });
      const collection = await openCollection(collectionDirectory, { reranker });
      const result = await collection.search(query, { pageImages: "add", topK: 5 });
      expect(result.hits.map((hit) => hit.id)).toEqual([pageImageId, "fees.pdf#0"]);
      expect(nim.requests).toHaveLength(1);
      const body = nimVlmRequest.parse(nim.requests[0]!.body);
      const reference = reader.imageOf(pageImageId)!;
      const bytes = (await reader.images.resolveImage(reference)).data;
      expect(body.passages[1]).toEqual({
        text: "Berth fees, page 2",
        image: `data:image/png;base64,${Buffer.from(bytes).toString("base64")}`,
      });
    });
  });
});
