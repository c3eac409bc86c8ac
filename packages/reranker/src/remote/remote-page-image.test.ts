// End to end from a file: a PDF whose answer is only in a vector-drawn chart, loaded with page
// images, reaches a NIM VLM reranker (loopback stub) as NIM's documented request shape.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hit } from "@hybrid-rag/core";
import { type LoopbackServer, sendJson, startLoopbackServer } from "@hybrid-rag/core/testing";
import { type LoadedDocument, loadFile } from "@hybrid-rag/loaders";
import { createChartPdf } from "@hybrid-rag/loaders/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createNimReranker } from "./nim-reranker.ts";

// NIM's VLM ranking request (docs.nvidia.com, NeMo Retriever Reranking NIM): each passage has
// text, image or both; image-only passages omit text; images are base64 data URLs.
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

let folder: string;
let nim: LoopbackServer;
let documents: LoadedDocument[];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "reranker-page-image-"));
  await writeFile(
    join(folder, "fees.pdf"),
    await createChartPdf({
      title: "Berth fees",
      intro: "Berth fees by quarter are charted on the next page.",
      values: [120, 340, 220, 460],
    }),
  );
  documents = [];
  for await (const result of loadFile(join(folder, "fees.pdf"), "fees.pdf", {
    pdf: { pageImages: "no-text-layer" },
  })) {
    if (result.kind === "document") documents.push(result);
  }
  // The stub scores a passage with an image above one without (it cannot read the chart).
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
  await rm(folder, { recursive: true, force: true });
});

describe("a PDF's chart-only page through a remote NIM VLM reranker", () => {
  it("sends the rendered page image in NIM's request shape, beside the PDF's text", async () => {
    expect(documents.map((document) => document.id)).toEqual(["fees.pdf", "fees.pdf#page=2"]);
    const hits: Hit[] = documents.map((document, index) => ({
      id: document.id,
      score: 1 - index / 10,
      rank: index + 1,
      sources: {},
      document,
    }));
    const reranker = createNimReranker({
      baseUrl: nim.url,
      model: "nvidia/llama-nemotron-rerank-vl-1b-v2",
      acceptsImages: true,
      retry: { initialDelayMs: 1, maxDelayMs: 5, maxRetries: 0 },
    });
    const ranked = await reranker.rerank("berth fee in the fourth quarter", hits);
    expect(ranked.map((hit) => hit.id)).toEqual(["fees.pdf#page=2", "fees.pdf"]);
    expect(nim.requests).toHaveLength(1);
    const body = nimVlmRequest.parse(nim.requests[0]!.body);
    // The reranker sends the title before the text, as it does for every text passage.
    expect(body.passages[0]).toEqual({ text: `Berth fees ${documents[0]!.text}` });
    const image = documents[1]!.image as { data: Uint8Array };
    // An image document's title goes with its image (NIM's text-and-image passage).
    expect(body.passages[1]).toEqual({
      text: "Berth fees, page 2",
      image: `data:image/png;base64,${Buffer.from(image.data).toString("base64")}`,
    });
  });
});
