import { runRerankerContract } from "@hybrid-rag/core/testing";
import { createCohereReranker, createNimReranker } from "@hybrid-rag/reranker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestScorer } from "./testing/test-scorer.ts";
import { startTestServer, type TestServer } from "./testing/test-server.ts";

// Wire compatibility: the project's own NIM and Cohere clients, unchanged, against this server.
let served: TestServer;
beforeAll(async () => {
  served = await startTestServer(loadTestScorer);
});
afterAll(async () => {
  await served.server.close();
});

runRerankerContract({
  name: "createNimReranker against reranker-server",
  create: async () => createNimReranker({ baseUrl: served.url, model: "tiny-cross-encoder" }),
});

runRerankerContract({
  name: "createCohereReranker against reranker-server",
  create: async () =>
    createCohereReranker({ baseUrl: served.url, model: "tiny-cross-encoder", apiKey: "unused" }),
});

describe("clients against reranker-server", () => {
  it("gives the NIM client the server's logits, and the Cohere client the same order", async () => {
    const passages = ["solar panels make electricity", "chess openings", "wind turbines"];
    const candidates = passages.map((text, index) => ({
      id: `d${index}`,
      score: 0,
      rank: index + 1,
      document: { id: `d${index}`, text },
      sources: {},
    }));
    const response = await served.post("/v1/ranking", {
      model: "tiny-cross-encoder",
      query: { text: "energy from the sun" },
      passages: passages.map((text) => ({ text })),
      truncate: "END",
    });
    const { rankings } = (await response.json()) as {
      rankings: Array<{ index: number; logit: number }>;
    };
    const nim = createNimReranker({ baseUrl: served.url, model: "tiny-cross-encoder" });
    const nimHits = await nim.rerank("energy from the sun", candidates);
    expect(nimHits.map((hit) => hit.id)).toEqual(rankings.map(({ index }) => `d${index}`));
    for (const [position, hit] of nimHits.entries()) {
      expect(hit.score).toBeCloseTo(rankings[position]!.logit, 5);
    }
    const cohere = createCohereReranker({
      baseUrl: served.url,
      model: "tiny-cross-encoder",
      apiKey: "x",
    });
    const cohereHits = await cohere.rerank("energy from the sun", candidates);
    expect(cohereHits.map((hit) => hit.id)).toEqual(nimHits.map((hit) => hit.id));
  });
});
