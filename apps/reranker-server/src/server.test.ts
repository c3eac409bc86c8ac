import { describe, expect, it } from "vitest";
import { countTokens, loadTestScorer, scoreDirectly } from "./testing/test-scorer.ts";
import { closingAfterEachTest } from "./testing/test-server.ts";

const passages = [
  { text: "Chess openings such as the Sicilian defence." },
  { text: "Solar panels turn sunlight into electricity." },
  { text: "Wind turbines and solar farms produce electricity from the sun and wind." },
];
const rankingBody = {
  model: "tiny-cross-encoder",
  query: { text: "electricity from the sun" },
  passages,
  truncate: "END",
};

const start = closingAfterEachTest();

describe("POST /v1/ranking (NIM)", () => {
  it("answers with every passage's raw logit, best first, and token usage", async () => {
    const scorer = await loadTestScorer();
    const { post } = await start(async () => scorer);
    const response = await post("/v1/ranking", rankingBody);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      rankings: Array<{ index: number; logit: number }>;
      usage: { prompt_tokens: number; total_tokens: number };
    };
    const expected = await scoreDirectly(
      scorer,
      passages.map(({ text }) => ({ query: rankingBody.query.text, passage: text })),
    );
    expect(body.rankings.map((entry) => entry.index).sort()).toEqual([0, 1, 2]);
    for (const { index, logit } of body.rankings) expect(logit).toBeCloseTo(expected[index]!, 5);
    const logits = body.rankings.map((entry) => entry.logit);
    expect(logits).toEqual([...logits].sort((a, b) => b - a));
    const counts = await Promise.all(
      passages.map(({ text }) => countTokens(scorer, rankingBody.query.text, text)),
    );
    const tokens = counts.reduce((sum, count) => sum + count, 0);
    expect(body.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it("rejects an over-length input with truncate NONE (422, NIM 2.x message) and truncates with END", async () => {
    const scorer = await loadTestScorer();
    const { post } = await start(async () => scorer);
    const long = { text: "word ".repeat(scorer.maxTokens * 2) };
    const refused = await post("/v1/ranking", {
      ...rankingBody,
      passages: [long],
      truncate: "NONE",
    });
    expect(refused.status).toBe(422);
    const error = (await refused.json()) as { object: string; message: string };
    expect(error.object).toBe("error");
    expect(error.message).toMatch(
      new RegExp(`^Input length \\d+ exceeds maximum allowed token size ${scorer.maxTokens}`),
    );
    const truncated = await post("/v1/ranking", {
      ...rankingBody,
      passages: [long],
      truncate: "END",
    });
    expect(truncated.status).toBe(200);
    const body = (await truncated.json()) as { usage: { prompt_tokens: number } };
    expect(body.usage.prompt_tokens).toBe(scorer.maxTokens);
  });

  it("defaults truncate to NONE, as the NIM does", async () => {
    const scorer = await loadTestScorer();
    const { post } = await start(async () => scorer);
    const long = { text: "word ".repeat(scorer.maxTokens * 2) };
    const { truncate: _, ...withoutTruncate } = rankingBody;
    const response = await post("/v1/ranking", { ...withoutTruncate, passages: [long] });
    expect(response.status).toBe(422);
  });

  it("refuses more passages than the limit", async () => {
    const { post } = await start(loadTestScorer, { maxPassagesPerRequest: 2 });
    const response = await post("/v1/ranking", rankingBody);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /"passages" has more than 2 items .*send at most 2 passages per request, or raise RERANKER_MAX_PASSAGES/,
    );
  });

  it("answers malformed JSON with 400 and a JSON body naming the problem", async () => {
    const { post } = await start(loadTestScorer);
    const response = await post("/v1/ranking", '{"model": "x", "query": ');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { object: string; message: string };
    expect(body).toMatchObject({ object: "error" });
    expect(body.message).toMatch(/^Malformed JSON in the request body: /);
  });

  it("names the field of a request that does not follow the schema", async () => {
    const { post } = await start(loadTestScorer);
    const response = await post("/v1/ranking", { model: "tiny-cross-encoder", passages: [] });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toMatch(/query/);
  });

  it("refuses a body over the size limit with 413", async () => {
    const { post } = await start(loadTestScorer, { maxBodyBytes: 1000 });
    const response = await post("/v1/ranking", {
      ...rankingBody,
      passages: [{ text: "x".repeat(2000) }],
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /RERANKER_MAX_BODY_BYTES/,
    );
  });

  it("says which model it serves when asked for another", async () => {
    const { post } = await start(loadTestScorer);
    const response = await post("/v1/ranking", { ...rankingBody, model: "nvidia/other" });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toMatch(/tiny-cross-encoder/);
  });
});

describe("POST /v1/rerank (Cohere-compatible)", () => {
  it("answers {id, results[{index, relevance_score}], meta}, best first, cut at top_n", async () => {
    const { post } = await start(loadTestScorer);
    const response = await post("/v1/rerank", {
      model: "tiny-cross-encoder",
      query: rankingBody.query.text,
      documents: passages.map(({ text }) => text),
      top_n: 2,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      id: string;
      results: Array<{ index: number; relevance_score: number }>;
      meta: unknown;
    };
    expect(typeof body.id).toBe("string");
    expect(body.results).toHaveLength(2);
    const scores = body.results.map((result) => result.relevance_score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0);
    for (const score of scores) expect(score).toBeLessThanOrEqual(1);
    expect(body.meta).toBeDefined();
    const nim = await post("/v1/ranking", rankingBody);
    const nimOrder = ((await nim.json()) as { rankings: Array<{ index: number }> }).rankings;
    expect(body.results.map((result) => result.index)).toEqual(
      nimOrder.slice(0, 2).map((entry) => entry.index),
    );
  });
});
