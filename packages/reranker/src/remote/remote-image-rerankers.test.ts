import type { ServerResponse } from "node:http";
import type { Document, Hit, ImageResolver, InlineImage } from "@hybrid-rag/core";
import {
  expectErrorCode,
  type LoopbackServer,
  type RecordedRequest,
  runRerankerContract,
  sendJson,
  simpleTokens,
  startLoopbackServer,
  tinyPng,
} from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createCohereReranker } from "./cohere-reranker.ts";
import { createJinaReranker } from "./jina-reranker.ts";
import { createNimReranker } from "./nim-reranker.ts";

// The request shapes as the providers document them, checked on what the stubs receive.
// NIM (docs.nvidia.com, NeMo Retriever Reranking NIM, "VLM Reranking Requests"): query.text
// non-empty; each passage has text, image or both; image-only passages omit text (never "");
// images are base64 data URLs (PNG, JPEG, WebP, GIF, BMP, TIFF); at most 512 passages.
const nimImage = z
  .string()
  .regex(
    /^data:image\/(png|jpeg|webp|gif|bmp|tiff);base64,(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  );
const nimVlmRequest = z.strictObject({
  model: z.string().min(1),
  query: z.strictObject({ text: z.string().min(1) }),
  passages: z
    .array(
      z
        .strictObject({ text: z.string().min(1).optional(), image: nimImage.optional() })
        .refine((passage) => passage.text !== undefined || passage.image !== undefined),
    )
    .min(1)
    .max(512),
  truncate: z.enum(["NONE", "END"]),
});
// Jina (jina.ai, Reranker API, jina-reranker-m0): documents are {text} or {image}, an image a
// URL or base64 bytes; Cohere-style top_n and return_documents.
const jinaRequest = z.strictObject({
  model: z.literal("jina-reranker-m0"),
  query: z.string().min(1),
  documents: z.array(
    z.union([
      z.strictObject({ text: z.string() }),
      z.strictObject({
        image: z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/),
      }),
    ]),
  ),
  top_n: z.number().int().min(1),
  return_documents: z.boolean(),
});

/** The stubs' relevance: shared words, plus a byte hash for images, so scores tell passages apart. */
function relevance(query: string, text: string | undefined, image: Buffer | undefined): number {
  const words = new Set(simpleTokens(query));
  const shared = simpleTokens(text ?? "").filter((word) => words.has(word)).length;
  const imageScore = image ? image.reduce((sum, byte) => (sum * 31 + byte) % 997, 7) / 997 : 0;
  return shared + imageScore;
}

const dataUrlBytes = (url: string) => Buffer.from(url.slice(url.indexOf(",") + 1), "base64");

function nimHandler(request: RecordedRequest, response: ServerResponse) {
  const parsed = nimVlmRequest.safeParse(request.body);
  if (!parsed.success)
    return sendJson(response, 422, { object: "error", message: parsed.error.message });
  const { query, passages } = parsed.data;
  const rankings = passages
    .map((passage, index) => ({
      index,
      logit: relevance(
        query.text,
        passage.text,
        passage.image ? dataUrlBytes(passage.image) : undefined,
      ),
    }))
    .sort((a, b) => b.logit - a.logit);
  sendJson(response, 200, { rankings, usage: { prompt_tokens: 1, total_tokens: 1 } });
}

function jinaHandler(request: RecordedRequest, response: ServerResponse) {
  const parsed = jinaRequest.safeParse(request.body);
  if (!parsed.success) return sendJson(response, 422, { detail: parsed.error.message });
  const { query, documents } = parsed.data;
  const results = documents
    .map((document, index) => ({
      index,
      relevance_score:
        "image" in document
          ? relevance(query, undefined, Buffer.from(document.image, "base64"))
          : relevance(query, document.text, undefined),
    }))
    .sort((a, b) => b.relevance_score - a.relevance_score);
  sendJson(response, 200, { model: "jina-reranker-m0", usage: { total_tokens: 1 }, results });
}

let nim: LoopbackServer;
let jina: LoopbackServer;
let cohere: LoopbackServer;
beforeAll(async () => {
  nim = await startLoopbackServer(nimHandler);
  jina = await startLoopbackServer(jinaHandler);
  cohere = await startLoopbackServer((_request, response) => sendJson(response, 500, {}));
});
beforeEach(() => {
  for (const server of [nim, jina, cohere]) server.requests.length = 0;
});
afterAll(async () => {
  await Promise.all([nim, jina, cohere].map((server) => server.close()));
});

const fastRetry = { initialDelayMs: 1, maxDelayMs: 20, maxRetries: 0 };
const chart: InlineImage = { mediaType: "image/png", data: tinyPng(4, 3, 1) };
const photo: InlineImage = { mediaType: "image/png", data: tinyPng(6, 5, 2) };
const storedRef = "c".repeat(64);
const resolver: ImageResolver = {
  resolveImage: async (image) => {
    if (image.ref !== storedRef) throw new Error(`unknown ref ${image.ref}`);
    return photo;
  },
};

const hit = (document: Document, rank: number): Hit => ({
  id: document.id,
  score: 10 - rank,
  rank,
  sources: {},
  document,
});
/** Text chunks and page images, as a collection's first stage returns them. */
const mixed = (): Hit[] => [
  hit({ id: "text", text: "revenue grew in 2023" }, 1),
  hit({ id: "page-2", text: "", image: chart }, 2),
  hit({ id: "figure", text: "revenue chart", title: "Figure 3", image: photo }, 3),
  hit(
    { id: "page-5", text: "", title: "Page 5", image: { mediaType: "image/png", ref: storedRef } },
    4,
  ),
];

const makeNimVlm = (extra = {}) =>
  createNimReranker({
    baseUrl: nim.url,
    model: "nvidia/llama-nemotron-rerank-vl-1b-v2",
    acceptsImages: true,
    imageResolver: resolver,
    retry: fastRetry,
    ...extra,
  });

runRerankerContract({
  name: "NIM VLM /v1/ranking (text candidates)",
  create: async () => makeNimVlm(),
});

describe("NIM VLM reranker (acceptsImages)", () => {
  it("sends text, image-only and text-and-image passages in NIM's documented shape and ranks by the answer", async () => {
    const reranker = makeNimVlm();
    expect(reranker.accepts).toEqual({ images: true });
    const hits = await reranker.rerank("revenue", mixed());
    expect(nim.requests).toHaveLength(1);
    const body = nimVlmRequest.parse(nim.requests[0]!.body);
    expect(body.passages.map((passage) => Object.keys(passage).sort())).toEqual([
      ["text"],
      ["image"],
      ["image", "text"],
      ["image", "text"],
    ]);
    expect(body.passages[0]).toEqual({ text: "revenue grew in 2023" });
    expect(dataUrlBytes(body.passages[1]!.image!).equals(Buffer.from(chart.data))).toBe(true);
    expect(body.passages[2]!.text).toBe("Figure 3 revenue chart");
    // The stored reference was resolved; an image-only document sends its title as text.
    expect(body.passages[3]!.text).toBe("Page 5");
    expect(dataUrlBytes(body.passages[3]!.image!).equals(Buffer.from(photo.data))).toBe(true);
    const expected = [
      relevance("revenue", "revenue grew in 2023", undefined),
      relevance("revenue", undefined, Buffer.from(chart.data)),
      relevance("revenue", "Figure 3 revenue chart", Buffer.from(photo.data)),
      relevance("revenue", "Page 5", Buffer.from(photo.data)),
    ];
    const order = ["text", "page-2", "figure", "page-5"]
      .map((id, index) => ({ id, score: expected[index]! }))
      .sort((a, b) => b.score - a.score);
    expect(hits.map((ranked) => [ranked.id, ranked.score])).toEqual(
      order.map(({ id, score }) => [id, score]),
    );
    expect(hits[0]!.rerank).toMatchObject({ reranker: "nim" });
  });

  it("splits 600 image candidates into requests of at most 512 passages", async () => {
    const candidates = Array.from({ length: 600 }, (_, index) =>
      hit(
        {
          id: `p${index}`,
          text: "",
          image: { mediaType: "image/png", data: tinyPng(2, 2, index) },
        },
        index + 1,
      ),
    );
    const hits = await makeNimVlm().rerank("revenue", candidates);
    expect(
      nim.requests.map((request) => nimVlmRequest.parse(request.body).passages.length),
    ).toEqual([512, 88]);
    expect(hits).toHaveLength(600);
  });

  it("refuses a stored image reference without a resolver before sending anything", async () => {
    await expectErrorCode(
      makeNimVlm({ imageResolver: undefined }).rerank("revenue", mixed()),
      "invalid-argument",
    );
    await expect(
      makeNimVlm({ imageResolver: undefined }).rerank("revenue", mixed()),
    ).rejects.toThrow(
      /candidate page-5's image is a stored image reference .* no image resolver was given/,
    );
    expect(nim.requests).toHaveLength(0);
  });
});

describe("text-only remote rerankers fed image-only candidates", () => {
  it.each([
    [
      "NIM (text)",
      () =>
        createNimReranker({
          baseUrl: nim.url,
          model: "nvidia/llama-nemotron-rerank-1b-v2",
          retry: fastRetry,
        }),
      () => nim,
    ],
    [
      "Cohere",
      () => createCohereReranker({ baseUrl: cohere.url, model: "rerank-v3.5", retry: fastRetry }),
      () => cohere,
    ],
  ])(
    "%s refuses with `unsupported`, naming the candidate, and sends nothing",
    async (_name, make, server) => {
      const reranker = make();
      expect(reranker.accepts).toBeUndefined();
      await expectErrorCode(reranker.rerank("revenue", mixed()), "unsupported");
      await expect(reranker.rerank("revenue", mixed())).rejects.toThrow(
        /reranker (nim|cohere) is text-only and candidate page-2 is image-only: rerank with an image-aware reranker/,
      );
      expect(server().requests).toHaveLength(0);
    },
  );

  it("a text NIM reranker scores a text-and-image document on its text", async () => {
    const reranker = createNimReranker({
      baseUrl: nim.url,
      model: "nvidia/llama-nemotron-rerank-1b-v2",
      retry: fastRetry,
    });
    await reranker.rerank("revenue", [mixed()[0]!, mixed()[2]!]);
    expect(nimVlmRequest.parse(nim.requests[0]!.body).passages).toEqual([
      { text: "revenue grew in 2023" },
      { text: "Figure 3 revenue chart" },
    ]);
  });
});

describe("Jina reranker (jina-reranker-m0)", () => {
  const makeJina = (extra = {}) =>
    createJinaReranker({
      baseUrl: jina.url,
      apiKey: "jina_key",
      imageResolver: resolver,
      retry: fastRetry,
      ...extra,
    });

  it("sends {text} and {image: base64} documents in Jina's documented shape", async () => {
    const reranker = makeJina();
    expect(reranker.accepts).toEqual({ images: true });
    const candidates = [mixed()[0]!, mixed()[1]!];
    const hits = await reranker.rerank("revenue", candidates, { topN: 1 });
    expect(jina.requests[0]!.path).toBe("/v1/rerank");
    expect(jina.requests[0]!.headers.authorization).toBe("Bearer jina_key");
    const body = jinaRequest.parse(jina.requests[0]!.body);
    expect(body.documents[0]).toEqual({ text: "revenue grew in 2023" });
    expect(
      Buffer.from((body.documents[1] as { image: string }).image, "base64").equals(
        Buffer.from(chart.data),
      ),
    ).toBe(true);
    expect(body).toMatchObject({ top_n: 2, return_documents: false });
    expect(hits.map((ranked) => ranked.id)).toEqual(["text"]);
  });

  it("refuses a candidate with text and an image (a Jina document is one or the other), naming it", async () => {
    await expectErrorCode(makeJina().rerank("revenue", [mixed()[2]!]), "unsupported");
    await expect(makeJina().rerank("revenue", [mixed()[2]!])).rejects.toThrow(
      /candidate figure has text and an image, and a Jina document is one or the other/,
    );
    expect(jina.requests).toHaveLength(0);
  });
});
