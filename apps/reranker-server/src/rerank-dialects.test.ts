import { type CrossEncoder, createCrossEncoderReranker } from "@hybrid-rag/reranker";
import { CohereClientV2 } from "cohere-ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestCrossEncoder, loadTestScorer, testMaxTokens } from "./testing/test-scorer.ts";
import { startTestServer, type TestServer } from "./testing/test-server.ts";

// The other reranking dialects users send (issue 25), as their docs record the requests; every
// answer is compared with the in-process reranker (sigmoid of the logit, as Cohere's scores).
// The model name of each recording is replaced by the served one (any other is a 404 here).

const model = "tiny-cross-encoder";

// Jina's API reference, POST https://api.jina.ai/v1/rerank (its curl example; the documents
// are the example's first sentences).
const jinaRequest = {
  model,
  query: "Organic skincare products for sensitive skin",
  top_n: 3,
  documents: [
    "Organic skincare for sensitive skin with aloe vera and chamomile: Imagine the soothing embrace of nature with our organic skincare range, crafted specifically for sensitive skin.",
    "New makeup trends focus on bold colors and innovative techniques: Step into the world of cutting-edge beauty with this seasons makeup trends.",
    "Bio-Hautpflege für empfindliche Haut mit Aloe Vera und Kamille: Erleben Sie die wohltuende Wirkung unserer Bio-Hautpflege, speziell für empfindliche Haut entwickelt.",
    "Neue Make-up-Trends setzen auf kräftige Farben und innovative Techniken: Tauchen Sie ein in die Welt der modernen Schönheit mit den neuesten Make-up-Trends.",
    "Cuidado de la piel orgánico para piel sensible con aloe vera y manzanilla: Descubre el poder de la naturaleza con nuestra línea de cuidado de la piel orgánico.",
  ],
  return_documents: false,
};

// Voyage's API reference, POST https://api.voyageai.com/v1/rerank (body parameters query,
// documents, model, top_k, return_documents, truncation).
const voyageRequest = {
  query: "When is Apple's conference call scheduled?",
  documents: [
    "The Mediterranean diet emphasizes fish, olive oil, and vegetables, believed to reduce chronic diseases.",
    "Photosynthesis in plants converts light energy into glucose and produces essential oxygen.",
    "Apple's conference call to discuss fourth fiscal quarter results and business updates is scheduled for Thursday, November 2, 2023 at 2:00 p.m. PT / 5:00 p.m. ET.",
    "Shakespeare's works, like 'Hamlet' and 'A Midsummer Night's Dream,' endure in literature.",
  ],
  model,
  top_k: 2,
  return_documents: true,
  truncation: true,
};

let served: TestServer;
let crossEncoder: CrossEncoder;
beforeAll(async () => {
  crossEncoder = await loadTestCrossEncoder();
  served = await startTestServer(loadTestScorer);
}, 120_000);
afterAll(async () => {
  await served.server.close();
});

/** The in-process reranker's answer: indices best first with sigmoid scores. */
async function inProcess(query: string, texts: readonly string[]) {
  const reranker = await createCrossEncoderReranker({ crossEncoder, activation: "sigmoid" });
  const hits = await reranker.rerank(
    query,
    texts.map((text, index) => ({
      id: String(index),
      score: 0,
      rank: index + 1,
      document: { id: String(index), text },
      sources: {},
    })),
  );
  return hits.map((hit) => ({ index: Number(hit.id), score: hit.score }));
}

function expectSame(
  actual: ReadonlyArray<{ index: number; relevance_score: number }>,
  expected: ReadonlyArray<{ index: number; score: number }>,
) {
  expect(actual.map((entry) => entry.index)).toEqual(expected.map((entry) => entry.index));
  for (const [position, entry] of actual.entries()) {
    expect(entry.relevance_score).toBeCloseTo(expected[position]!.score, 5);
  }
}

type Ranked = Array<{ index: number; relevance_score: number; document?: unknown }>;

/** Every field any of the answers (or an error) has; each test reads its own. */
interface Answer {
  readonly results: Ranked;
  readonly data: Ranked;
  readonly object: string;
  readonly model: string;
  readonly usage: { readonly total_tokens: number };
  readonly meta: { readonly tokens: { readonly input_tokens: number } };
  readonly message: string;
}

async function postJson(path: string, body: unknown) {
  const response = await served.post(path, body);
  return { status: response.status, body: (await response.json()) as Answer };
}

describe("Jina", () => {
  it("answers the documented request with top_n results, the model and usage.total_tokens", async () => {
    const { status, body } = await postJson("/v1/rerank", jinaRequest);
    expect(status).toBe(200);
    const expected = (await inProcess(jinaRequest.query, jinaRequest.documents)).slice(0, 3);
    expectSame(body.results, expected);
    for (const result of body.results) expect(result).not.toHaveProperty("document");
    expect(body.model).toBe(model);
    expect(body.usage.total_tokens).toBeGreaterThan(jinaRequest.documents.length);
    expect(body.usage.total_tokens).toBe(body.meta.tokens.input_tokens);
  });

  it("takes {text} documents and returns them as {text} with return_documents", async () => {
    const { status, body } = await postJson("/v1/rerank", {
      ...jinaRequest,
      documents: jinaRequest.documents.map((text) => ({ text })),
      return_documents: true,
    });
    expect(status).toBe(200);
    for (const result of body.results) {
      expect(result.document).toEqual({ text: jinaRequest.documents[result.index] });
    }
  });
});

describe("Voyage", () => {
  it("answers on /voyage/v1/rerank in Voyage's shape, top_k honoured, documents as strings", async () => {
    const { status, body } = await postJson("/voyage/v1/rerank", voyageRequest);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(["data", "model", "object", "usage"]);
    expect(body.object).toBe("list");
    expect(body.model).toBe(model);
    expect(body.usage.total_tokens).toBeGreaterThan(0);
    const expected = (await inProcess(voyageRequest.query, voyageRequest.documents)).slice(0, 2);
    expectSame(body.data, expected);
    for (const entry of body.data) {
      expect(entry.document).toBe(voyageRequest.documents[entry.index]);
    }
  });

  it("honours top_k on the Cohere routes too (it used to be ignored)", async () => {
    const { status, body } = await postJson("/v1/rerank", voyageRequest);
    expect(status).toBe(200);
    expect(body.results).toHaveLength(2);
  });

  it("truncation: false refuses an over-long pair instead of cutting it", async () => {
    const long = "tide ".repeat(testMaxTokens * 2);
    const refused = await postJson("/voyage/v1/rerank", {
      ...voyageRequest,
      documents: ["short", long],
      truncation: false,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toMatch(/exceeds maximum allowed token size/);
    const cut = await postJson("/voyage/v1/rerank", {
      ...voyageRequest,
      documents: ["short", long],
    });
    expect(cut.status).toBe(200);
  });

  it("refuses top_n and top_k that disagree", async () => {
    const { status, body } = await postJson("/v1/rerank", { ...voyageRequest, top_n: 3 });
    expect(status).toBe(422);
    expect(body.message).toMatch(/top_n 3 and top_k 2/);
  });
});

describe("fields the server does not know are never dropped silently", () => {
  it("reads cohere-ai v2's untyped camelCase returnDocuments (real SDK)", async () => {
    const client = new CohereClientV2({ token: "unused", environment: served.url });
    const documents = jinaRequest.documents;
    const response = await client.rerank({
      model,
      query: jinaRequest.query,
      documents,
      topN: 2,
      // Not in the V2 request type: the SDK sends it as it is, camelCase.
      ...({ returnDocuments: true } as object),
    });
    expect(response.results).toHaveLength(2);
    for (const result of response.results) {
      // Read past the SDK's type, which has no document in V2 results.
      expect((result as { document?: unknown }).document).toEqual({
        text: documents[result.index],
      });
    }
  });

  it("refuses an unknown field with a 422 naming it", async () => {
    const { status, body } = await postJson("/v2/rerank", {
      ...jinaRequest,
      return_document: true,
      rerank_threshold: 0.5,
    });
    expect(status).toBe(422);
    expect(body).toMatchObject({ object: "error", type: "invalid-argument" });
    expect(body.message).toMatch(/Unknown fields "return_document", "rerank_threshold"/);
  });

  it("refuses an alias beside its field with a different value", async () => {
    const { status, body } = await postJson("/v1/rerank", { ...jinaRequest, topN: 2 });
    expect(status).toBe(422);
    expect(body.message).toMatch(/"top_n" and its alias "topN"/);
    const same = await postJson("/v1/rerank", { ...jinaRequest, topN: 3 });
    expect(same.status).toBe(200);
  });
});
