import { createCohere } from "@ai-sdk/cohere";
import { type CrossEncoder, createCrossEncoderReranker } from "@hybrid-rag/reranker";
import { CohereRerank as LangChainCohereRerank } from "@langchain/cohere";
import { Document as LangChainDocument } from "@langchain/core/documents";
import { CohereRerank as LlamaIndexCohereRerank } from "@llamaindex/cohere";
import { TextNode } from "@llamaindex/core/schema";
import { rerank } from "ai";
import { CohereClient, CohereClientV2 } from "cohere-ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestCrossEncoder, loadTestScorer } from "./testing/test-scorer.ts";
import { startTestServer, type TestServer } from "./testing/test-server.ts";

// Clients nobody here wrote, as their docs show them, against this server on loopback. Every
// answer must equal the in-process reranker's: same order, same sigmoid(logit) scores.

const model = "tiny-cross-encoder";
const query = "how do solar panels make electricity";
const documents = [
  "chess openings for beginners",
  "solar panels turn sunlight into electricity with photovoltaic cells",
  "wind turbines spin generators",
  "a recipe for lemon cake",
  "photovoltaic cells in solar panels make direct current",
];

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
async function inProcess(texts: readonly string[], topN = texts.length) {
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
  return hits.slice(0, topN).map((hit) => ({ index: Number(hit.id), score: hit.score }));
}

/** The in-process answer when each document is first cut to `maxPassageTokens` tokens. */
async function inProcessCut(texts: readonly string[], maxPassageTokens: number) {
  const logits = await crossEncoder.scoreEncoded(
    crossEncoder.tokenizePairs(texts.map((passage) => ({ query, passage, maxPassageTokens }))),
  );
  return Array.from(logits, (logit, index) => ({ index, score: 1 / (1 + Math.exp(-logit)) })).sort(
    (a, b) => b.score - a.score || a.index - b.index,
  );
}

function expectSame(
  actual: ReadonlyArray<{ index: number; score: number }>,
  expected: ReadonlyArray<{ index: number; score: number }>,
) {
  expect(actual.map((entry) => entry.index)).toEqual(expected.map((entry) => entry.index));
  for (const [position, entry] of actual.entries()) {
    expect(entry.score).toBeCloseTo(expected[position]!.score, 5);
  }
}

describe("cohere-ai (official SDK)", () => {
  const v1 = () => new CohereClient({ token: "unused", environment: served.url });
  const v2 = () => new CohereClientV2({ token: "unused", environment: served.url });

  it("v1 rerank with optionals left undefined (sent as JSON null)", async () => {
    const options: { topN?: number; returnDocuments?: boolean } = {};
    const response = await v1().rerank({
      query,
      documents,
      topN: options.topN,
      returnDocuments: options.returnDocuments,
      model: undefined,
      rankFields: undefined,
      maxChunksPerDoc: undefined,
    });
    expectSame(
      response.results.map((result) => ({ index: result.index, score: result.relevanceScore })),
      await inProcess(documents),
    );
  });

  it("v1 rerank with topN and returnDocuments echoes object documents with all their fields", async () => {
    const objects = documents.map((text, position) => ({
      text,
      id: `doc-${position}`,
      lang: "en",
    }));
    const response = await v1().rerank({
      model,
      query,
      documents: objects,
      topN: 3,
      returnDocuments: true,
    });
    const expected = await inProcess(documents, 3);
    expectSame(
      response.results.map((result) => ({ index: result.index, score: result.relevanceScore })),
      expected,
    );
    for (const result of response.results) {
      expect(result.document).toEqual(objects[result.index]);
    }
  });

  it("v1 rerank with rankFields ranks on the named fields, in order", async () => {
    const objects = documents.map((text, position) => ({ title: `item ${position}`, body: text }));
    const response = await v1().rerank({
      model,
      query,
      documents: objects,
      rankFields: ["title", "body"],
    });
    expectSame(
      response.results.map((result) => ({ index: result.index, score: result.relevanceScore })),
      await inProcess(objects.map(({ title, body }) => `title: ${title}\nbody: ${body}`)),
    );
  });

  it("v2 rerank with optionals left undefined (sent as JSON null)", async () => {
    const options: { topN?: number; maxTokensPerDoc?: number; priority?: number } = {};
    const response = await v2().rerank({
      model,
      query,
      documents,
      topN: options.topN,
      maxTokensPerDoc: options.maxTokensPerDoc,
      priority: options.priority,
    });
    expectSame(
      response.results.map((result) => ({ index: result.index, score: result.relevanceScore })),
      await inProcess(documents),
    );
  });

  it("v2 rerank with topN and maxTokensPerDoc cuts each document before pairing", async () => {
    const response = await v2().rerank({ model, query, documents, topN: 4, maxTokensPerDoc: 3 });
    const expected = (await inProcessCut(documents, 3)).slice(0, 4);
    expectSame(
      response.results.map((result) => ({ index: result.index, score: result.relevanceScore })),
      expected,
    );
    // Cutting changes the answer here, so the field is not ignored.
    expect(expected).not.toEqual((await inProcess(documents)).slice(0, 4));
  });
});

describe("@langchain/cohere CohereRerank given a CohereClient pointed at the server", () => {
  it("rerank() and compressDocuments() match the in-process reranker", async () => {
    // @langchain/cohere types its client with its own cohere-ai (7.x); the 8.x client we pass
    // is the one whose null-sending behaviour matters, and it has the same rerank() method.
    const client = new CohereClient({ token: "unused", environment: served.url });
    const reranker = new LangChainCohereRerank({
      client: client as unknown as LangChainCohereRerank["client"],
      model,
      topN: 3,
    });
    const expected = await inProcess(documents, 3);
    const ranked = await reranker.rerank(documents, query);
    expectSame(
      ranked.map((entry) => ({ index: entry.index, score: entry.relevanceScore })),
      expected,
    );
    const compressed = await reranker.compressDocuments(
      documents.map((text) => new LangChainDocument({ pageContent: text })),
      query,
    );
    expect(compressed.map((document) => document.pageContent)).toEqual(
      expected.map(({ index }) => documents[index]),
    );
  });
});

describe("@llamaindex/cohere CohereRerank with baseUrl", () => {
  it("postprocessNodes() matches the in-process reranker", async () => {
    const reranker = new LlamaIndexCohereRerank({
      apiKey: "unused",
      baseUrl: served.url,
      model,
      topN: 2,
    });
    const nodes = documents.map((text) => ({ node: new TextNode({ text }), score: 0 }));
    const reranked = await reranker.postprocessNodes(nodes, query);
    const expected = await inProcess(documents, 2);
    expectSame(
      reranked.map((entry) => ({
        index: nodes.findIndex((node) => node.node === entry.node),
        score: entry.score ?? Number.NaN,
      })),
      expected,
    );
  });
});

describe("Vercel AI SDK rerank() with @ai-sdk/cohere and a baseURL", () => {
  const cohere = () => createCohere({ baseURL: `${served.url}/v2`, apiKey: "unused" });

  it("ranks text documents with topN", async () => {
    const result = await rerank({
      model: cohere().reranking(model),
      query,
      documents,
      topN: 3,
      maxRetries: 0,
    });
    expectSame(
      result.ranking.map((entry) => ({ index: entry.originalIndex, score: entry.score })),
      await inProcess(documents, 3),
    );
    expect(result.rerankedDocuments).toEqual(
      result.ranking.map((entry) => documents[entry.originalIndex]),
    );
  });

  it("ranks object documents (sent as JSON strings) and honours providerOptions maxTokensPerDoc", async () => {
    const objects = documents.map((text, position) => ({ text, position }));
    const plain = await rerank({
      model: cohere().reranking(model),
      query,
      documents: objects,
      maxRetries: 0,
    });
    const asStrings = objects.map((object) => JSON.stringify(object));
    expectSame(
      plain.ranking.map((entry) => ({ index: entry.originalIndex, score: entry.score })),
      await inProcess(asStrings),
    );
    const cut = await rerank({
      model: cohere().reranking(model),
      query,
      documents,
      maxRetries: 0,
      providerOptions: { cohere: { maxTokensPerDoc: 4 } },
    });
    expectSame(
      cut.ranking.map((entry) => ({ index: entry.originalIndex, score: entry.score })),
      await inProcessCut(documents, 4),
    );
  });
});
