import type { ServerResponse } from "node:http";
import { HybridRagError, type Reranker } from "@hybrid-rag/core";
import {
  contractCandidates,
  expectErrorCode,
  type LoopbackServer,
  type RecordedRequest,
  runRerankerContract,
  sendJson,
  simpleTokens,
  startLoopbackServer,
} from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCohereReranker } from "./cohere-reranker.ts";
import { createNimReranker } from "./nim-reranker.ts";
import { createTeiReranker } from "./tei-reranker.ts";

/** A deterministic relevance: shared words, plus a tie-breaker so scores differ. */
function relevance(query: string, passage: string): number {
  const queryWords = new Set(simpleTokens(query));
  return (
    simpleTokens(passage).filter((word) => queryWords.has(word)).length - passage.length / 10_000
  );
}

function ranked(query: string, passages: readonly string[]): { index: number; score: number }[] {
  return passages
    .map((text, index) => ({ index, score: relevance(query, text) }))
    .sort((a, b) => b.score - a.score);
}

/** Queued failures the fake servers answer before behaving normally. */
let failures: {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}[];
const wordLimit = 50;

function failNext(response: ServerResponse): boolean {
  const failure = failures.shift();
  if (!failure) return false;
  setTimeout(
    () => sendJson(response, failure.status, failure.body, failure.headers),
    failure.delayMs ?? 0,
  );
  return true;
}

// Follows REFERENCE.md §3: NIM /v1/ranking (512 passages, truncate NONE → 422 error object).
function nimHandler(request: RecordedRequest, response: ServerResponse) {
  if (failNext(response)) return;
  const body = request.body as {
    query: { text: string };
    passages: { text: string }[];
    truncate: string;
  };
  if (request.path !== "/v1/ranking") return sendJson(response, 404, { detail: "Not Found" });
  if (body.passages.length > 512) {
    return sendJson(response, 422, {
      object: "error",
      message: `${body.passages.length} passages exceed the limit of 512`,
    });
  }
  const tooLong = body.passages.findIndex((passage) => passage.text.split(" ").length > wordLimit);
  if (body.truncate === "NONE" && tooLong !== -1) {
    return sendJson(response, 422, {
      object: "error",
      message: `Input length ${body.passages[tooLong]!.text.split(" ").length} exceeds maximum allowed token size ${wordLimit}`,
    });
  }
  const rankings = ranked(
    body.query.text,
    body.passages.map((passage) => passage.text),
  );
  sendJson(response, 200, {
    rankings: rankings.map(({ index, score }) => ({ index, logit: score })),
    usage: { prompt_tokens: 10, total_tokens: 10 },
  });
}

// TEI /rerank: [{index, score}] sorted; errors {"error","error_type"}.
function teiHandler(request: RecordedRequest, response: ServerResponse) {
  if (failNext(response)) return;
  const body = request.body as { query: string; texts: string[]; raw_scores: boolean };
  if (body.texts.length === 0)
    return sendJson(response, 400, { error: "`texts` cannot be empty", error_type: "Validation" });
  if (body.texts.length > 32) {
    return sendJson(response, 422, {
      error: "batch size 40 > maximum allowed batch size 32",
      error_type: "Validation",
    });
  }
  const scores = ranked(body.query, body.texts).map(({ index, score }) => ({
    index,
    score: body.raw_scores ? score : 1 / (1 + Math.exp(-score)),
  }));
  sendJson(response, 200, scores);
}

// Cohere /v2/rerank: {id, results: [{index, relevance_score}], meta}.
function cohereHandler(request: RecordedRequest, response: ServerResponse) {
  if (failNext(response)) return;
  const body = request.body as { query: string; documents: string[]; top_n?: number };
  if (body.documents.length > 1000)
    return sendJson(response, 400, { message: "too many documents" });
  const results = ranked(body.query, body.documents).slice(0, body.top_n);
  sendJson(response, 200, {
    id: "r-1",
    results: results.map(({ index, score }) => ({ index, relevance_score: score })),
    meta: { billed_units: { search_units: 1 } },
  });
}

let nim: LoopbackServer;
let tei: LoopbackServer;
let cohere: LoopbackServer;
const fastRetry = { initialDelayMs: 1, maxDelayMs: 50 };

beforeAll(async () => {
  nim = await startLoopbackServer(nimHandler);
  tei = await startLoopbackServer(teiHandler);
  cohere = await startLoopbackServer(cohereHandler);
});

beforeEach(() => {
  failures = [];
  for (const server of [nim, tei, cohere]) server.requests.length = 0;
});

afterAll(async () => {
  await Promise.all([nim, tei, cohere].map((server) => server.close()));
});

const makeNim = (extra = {}) =>
  createNimReranker({
    baseUrl: nim.url,
    model: "nvidia/nv-rerankqa-mistral-4b-v3",
    retry: fastRetry,
    ...extra,
  });
const makeTei = (extra = {}) => createTeiReranker({ baseUrl: tei.url, retry: fastRetry, ...extra });
const makeCohere = (extra = {}) =>
  createCohereReranker({
    baseUrl: cohere.url,
    model: "rerank-v3.5",
    apiKey: "key",
    retry: fastRetry,
    ...extra,
  });

runRerankerContract({ name: "NIM /v1/ranking", create: async () => makeNim() });
runRerankerContract({ name: "TEI /rerank", create: async () => makeTei() });
runRerankerContract({ name: "Cohere /v2/rerank", create: async () => makeCohere() });

function manyCandidates(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    id: `d${index}`,
    score: count - index,
    rank: index + 1,
    sources: {},
    document: {
      id: `d${index}`,
      text: index % 7 === 0 ? `solar power ${index}` : `unrelated text ${index}`,
    },
  }));
}

describe.each([
  { name: "NIM", make: makeNim as (extra?: object) => Reranker, server: () => nim, limit: 512 },
  { name: "TEI", make: makeTei as (extra?: object) => Reranker, server: () => tei, limit: 32 },
  {
    name: "Cohere",
    make: makeCohere as (extra?: object) => Reranker,
    server: () => cohere,
    limit: 1000,
  },
])("$name reranker", ({ make, server, limit }) => {
  it("refuses a timeoutMs a timer cannot hold, naming the limit, as the pipeline does", () => {
    for (const timeoutMs of [2 ** 31, 1e12, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      let failure: unknown;
      try {
        make({ timeoutMs });
      } catch (error) {
        failure = error;
      }
      expect(HybridRagError.isInstance(failure), String(timeoutMs)).toBe(true);
      expect((failure as HybridRagError).code).toBe("invalid-argument");
      expect((failure as Error).message).toMatch(/timeoutMs/);
    }
    expect(() => make({ timeoutMs: 2 ** 31 })).toThrow(/at most 2147483647 ms/);
    expect(() => make({ timeoutMs: 2 ** 31 - 1 })).not.toThrow();
  });

  it("splits lists longer than the server limit and merges the scores", async () => {
    const count = limit * 2 + 3;
    const hits = await make().rerank("solar power", manyCandidates(count));
    expect(server().requests).toHaveLength(3);
    expect(hits).toHaveLength(count);
    expect(hits.slice(0, 3).every((hit) => hit.document!.text.startsWith("solar"))).toBe(true);
    const candidates = manyCandidates(count);
    const expected = ranked(
      "solar power",
      candidates.map((hit) => hit.document.text),
    );
    expect(hits.map((hit) => hit.id)).toEqual(expected.map(({ index }) => candidates[index]!.id));
  });

  it("retries 429 and 503, honouring Retry-After", async () => {
    failures.push({
      status: 429,
      body: { error: "Model is overloaded", error_type: "Overloaded" },
      headers: { "retry-after": "0" },
    });
    failures.push({ status: 503, body: { object: "error", message: "queue full" } });
    const hits = await make().rerank("solar", contractCandidates());
    expect(hits).toHaveLength(contractCandidates().length);
    expect(server().requests).toHaveLength(3);
  });

  it("gives up after the retries with the last status", async () => {
    for (let i = 0; i < 3; i++)
      failures.push({ status: 503, body: { error: "unhealthy", error_type: "Unhealthy" } });
    const promise = make({ retry: { maxRetries: 2, initialDelayMs: 1 } }).rerank(
      "solar",
      contractCandidates(),
    );
    await expectErrorCode(promise, "unavailable");
    await expect(promise).rejects.toMatchObject({ statusCode: 503, isRetryable: true });
    expect(server().requests).toHaveLength(3);
  });

  it("times out slow requests", async () => {
    failures.push({ status: 200, body: {}, delayMs: 300 });
    const promise = make({ timeoutMs: 50, retry: { maxRetries: 0 } }).rerank(
      "solar",
      contractCandidates(),
    );
    await expectErrorCode(promise, "timeout");
  });

  it("maps client errors without retrying", async () => {
    for (const [status, code] of [
      [400, "invalid-argument"],
      [401, "permission-denied"],
      [413, "invalid-argument"],
      [422, "invalid-argument"],
    ] as const) {
      server().requests.length = 0;
      failures.push({ status, body: { error: `status ${status}`, message: `status ${status}` } });
      const promise = make().rerank("solar", contractCandidates());
      await expectErrorCode(promise, code);
      await expect(promise).rejects.toThrow(`status ${status}`);
      expect(server().requests).toHaveLength(1);
    }
  });

  it("rejects a response that does not score every passage", async () => {
    failures.push({ status: 200, body: { rankings: [], results: [] } });
    await expectErrorCode(
      make({ retry: { maxRetries: 0 } }).rerank("solar", contractCandidates()),
      "corrupt-data",
    );
  });

  it("stops on abort while waiting to retry", async () => {
    failures.push({ status: 503, body: {}, headers: { "retry-after": "5" } });
    const controller = new AbortController();
    const promise = make({ retry: { maxRetries: 1, maxDelayMs: 10_000 } }).rerank(
      "solar",
      contractCandidates(),
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expectErrorCode(promise, "aborted");
  });
});

describe("NIM specifics", () => {
  it("sends the documented request shape with a bearer key", async () => {
    await makeNim({ apiKey: "nvapi-x", truncate: "NONE" }).rerank(
      "solar",
      contractCandidates().slice(0, 2),
    );
    expect(nim.requests[0]).toMatchObject({
      path: "/v1/ranking",
      headers: { authorization: "Bearer nvapi-x" },
      body: {
        model: "nvidia/nv-rerankqa-mistral-4b-v3",
        query: { text: "solar" },
        truncate: "NONE",
        passages: [{ text: expect.any(String) }, { text: expect.any(String) }],
      },
    });
  });

  it("surfaces NIM's over-length error for truncate NONE", async () => {
    const [first] = contractCandidates();
    const long = { ...first!, document: { id: "long", text: "word ".repeat(80) } };
    const promise = makeNim({ truncate: "NONE" }).rerank("solar", [long]);
    await expectErrorCode(promise, "invalid-argument");
    await expect(promise).rejects.toThrow(/Input length 81 exceeds maximum allowed token size/);
    await expect(promise).rejects.toMatchObject({ statusCode: 422 });
  });

  it("keeps raw logits and maps 1.x-style 400s", async () => {
    const hits = await makeNim().rerank("solar panels", contractCandidates());
    expect(hits[0]!.score).toBeGreaterThan(1);
    failures.push({
      status: 400,
      body: { detail: "Input length exceeds maximum allowed token size" },
    });
    await expectErrorCode(makeNim().rerank("solar", contractCandidates()), "invalid-argument");
  });
});

describe("TEI specifics", () => {
  it("maps 424 (backend error) without retrying", async () => {
    failures.push({ status: 424, body: { error: "inference failed", error_type: "Backend" } });
    const promise = makeTei().rerank("solar", contractCandidates());
    await expectErrorCode(promise, "internal");
    await expect(promise).rejects.toThrow(/inference failed \(Backend\)/);
    expect(tei.requests).toHaveLength(1);
  });

  it("passes raw_scores and truncation settings", async () => {
    await makeTei({ rawScores: true, truncate: false }).rerank(
      "solar",
      contractCandidates().slice(0, 1),
    );
    expect(tei.requests[0]!.body).toMatchObject({
      raw_scores: true,
      truncate: false,
      truncation_direction: "Right",
    });
  });
});

describe("options", () => {
  it("validates options where they enter", () => {
    expect(() => createNimReranker({ baseUrl: "not a url", model: "m" })).toThrow(/baseUrl/);
    expect(() =>
      createNimReranker({ baseUrl: nim.url, model: "m", truncate: "START" as "END" }),
    ).toThrow(/truncate/);
    expect(() => createTeiReranker({ baseUrl: tei.url, maxPassagesPerRequest: 0 })).toThrow(
      /maxPassagesPerRequest/,
    );
  });
});
