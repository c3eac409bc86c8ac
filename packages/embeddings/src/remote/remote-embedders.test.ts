import type { ServerResponse } from "node:http";
import { type Embedder, HybridRagError } from "@hybrid-rag/core";
import {
  expectErrorCode,
  HashingEmbedder,
  type LoopbackServer,
  type RecordedRequest,
  runEmbedderContract,
  sendJson,
  startLoopbackServer,
} from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createNimEmbedder } from "./nim-embedder.ts";
import { createOpenAiEmbedder } from "./openai-embedder.ts";
import { createTeiEmbedder } from "./tei-embedder.ts";

const dimension = 16;
const hashing = new HashingEmbedder(dimension);

async function vectorsFor(texts: readonly string[]): Promise<number[][]> {
  return (await hashing.embedPassages(texts)).map((vector) => Array.from(vector));
}

let failures: {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}[];

function failNext(response: ServerResponse): boolean {
  const failure = failures.shift();
  if (!failure) return false;
  setTimeout(
    () => sendJson(response, failure.status, failure.body, failure.headers),
    failure.delayMs ?? 0,
  );
  return true;
}

// OpenAI / NIM /v1/embeddings (REFERENCE.md §3): {data: [{object, index, embedding}], model, usage}.
function openAiShaped(limit: number) {
  return async (request: RecordedRequest, response: ServerResponse) => {
    if (failNext(response)) return;
    const body = request.body as { input: string | string[]; input_type?: string };
    const inputs = typeof body.input === "string" ? [body.input] : body.input;
    if (inputs.length > limit) {
      return sendJson(response, 400, {
        error: {
          message: `too many inputs: ${inputs.length} > ${limit}`,
          type: "invalid_request_error",
        },
      });
    }
    // NIM embeds queries and passages differently; mimic that with a marker.
    const marked = inputs.map((text) => (body.input_type === "query" ? `query ${text}` : text));
    const vectors = await vectorsFor(marked);
    // Out of order on purpose: clients must use `index`.
    const data = vectors
      .map((embedding, index) => ({ object: "embedding", index, embedding }))
      .reverse();
    sendJson(response, 200, {
      object: "list",
      data,
      model: "m",
      usage: { prompt_tokens: 1, total_tokens: 1 },
    });
  };
}

// TEI /embed: number[][]; errors {"error","error_type"}.
async function teiHandler(request: RecordedRequest, response: ServerResponse) {
  if (failNext(response)) return;
  const body = request.body as { inputs: string[] };
  if (body.inputs.length > 32) {
    return sendJson(response, 413, {
      error: "batch size 40 > maximum allowed batch size 32",
      error_type: "Validation",
    });
  }
  sendJson(response, 200, await vectorsFor(body.inputs));
}

let openai: LoopbackServer;
let nim: LoopbackServer;
let tei: LoopbackServer;
const fastRetry = { initialDelayMs: 1, maxDelayMs: 50 };

beforeAll(async () => {
  openai = await startLoopbackServer(openAiShaped(2048));
  nim = await startLoopbackServer(openAiShaped(64));
  tei = await startLoopbackServer(teiHandler);
});

beforeEach(() => {
  failures = [];
  for (const server of [openai, nim, tei]) server.requests.length = 0;
});

afterAll(async () => {
  await Promise.all([openai, nim, tei].map((server) => server.close()));
});

const makeOpenAi = (extra = {}) =>
  createOpenAiEmbedder({
    baseUrl: openai.url,
    model: "text-embedding-3-small",
    dimension,
    apiKey: "sk",
    retry: fastRetry,
    ...extra,
  });
const makeNim = (extra = {}) =>
  createNimEmbedder({
    baseUrl: nim.url,
    model: "nvidia/nv-embedqa-e5-v5",
    dimension,
    retry: fastRetry,
    ...extra,
  });
const makeTei = (extra = {}) =>
  createTeiEmbedder({ baseUrl: tei.url, dimension, retry: fastRetry, ...extra });

runEmbedderContract({ name: "OpenAI /v1/embeddings", create: async () => makeOpenAi() });
runEmbedderContract({ name: "NIM /v1/embeddings", create: async () => makeNim() });
runEmbedderContract({ name: "TEI /embed", create: async () => makeTei() });

describe.each([
  {
    name: "OpenAI",
    make: makeOpenAi as (extra?: object) => Embedder,
    server: () => openai,
    limit: 2048,
  },
  { name: "NIM", make: makeNim as (extra?: object) => Embedder, server: () => nim, limit: 64 },
  { name: "TEI", make: makeTei as (extra?: object) => Embedder, server: () => tei, limit: 32 },
])("$name embedder", ({ make, server, limit }) => {
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

  it("splits calls at the server limit and keeps the order", async () => {
    const texts = Array.from({ length: limit * 2 + 1 }, (_, index) => `text number ${index}`);
    const vectors = await make().embedPassages(texts);
    expect(server().requests).toHaveLength(3);
    const expected = await vectorsFor(texts);
    for (const index of [0, limit, texts.length - 1])
      expect(Array.from(vectors[index]!)).toEqual(expected[index]!.map(Math.fround));
  });

  it("retries 429 (Retry-After) and 503", async () => {
    failures.push({
      status: 429,
      body: { error: "Model is overloaded", error_type: "Overloaded" },
      headers: { "retry-after": "0" },
    });
    failures.push({ status: 503, body: { error: "unhealthy", error_type: "Unhealthy" } });
    expect(await make().embedQueries(["solar"])).toHaveLength(1);
    expect(server().requests).toHaveLength(3);
  });

  it("maps client errors without retrying", async () => {
    for (const [status, code] of [
      [400, "invalid-argument"],
      [401, "permission-denied"],
      [413, "invalid-argument"],
      [422, "invalid-argument"],
      [424, "internal"],
    ] as const) {
      server().requests.length = 0;
      failures.push({ status, body: { error: `status ${status}`, error_type: "Validation" } });
      const promise = make().embedPassages(["x"]);
      await expectErrorCode(promise, code);
      await expect(promise).rejects.toMatchObject({ statusCode: status });
      expect(server().requests).toHaveLength(1);
    }
  });

  it("times out and reports a wrong dimension", async () => {
    failures.push({ status: 200, body: [], delayMs: 300 });
    await expectErrorCode(
      make({ timeoutMs: 50, retry: { maxRetries: 0 } }).embedPassages(["x"]),
      "timeout",
    );
    await expectErrorCode(make({ dimension: 8 }).embedPassages(["x"]), "corrupt-data");
  });
});

describe("request shapes", () => {
  it("NIM sends input_type query / passage and truncate", async () => {
    const embedder = makeNim({ truncate: "NONE" });
    const [query] = await embedder.embedQueries(["solar"]);
    const [passage] = await embedder.embedPassages(["solar"]);
    expect(Array.from(query!)).not.toEqual(Array.from(passage!));
    expect(nim.requests.map((request) => request.body)).toMatchObject([
      { model: "nvidia/nv-embedqa-e5-v5", input: ["solar"], input_type: "query", truncate: "NONE" },
      { input_type: "passage" },
    ]);
  });

  it("OpenAI sends the model, bearer key, prefixes and optional dimensions", async () => {
    await makeOpenAi({ sendDimensions: true, queryPrefix: "query: " }).embedQueries(["solar"]);
    expect(openai.requests[0]).toMatchObject({
      path: "/v1/embeddings",
      headers: { authorization: "Bearer sk" },
      body: {
        model: "text-embedding-3-small",
        input: ["query: solar"],
        encoding_format: "float",
        dimensions: dimension,
      },
    });
  });

  it("TEI sends normalize, truncate and prompt names", async () => {
    await makeTei({ queryPromptName: "query" }).embedQueries(["solar"]);
    expect(tei.requests[0]!.body).toEqual({
      inputs: ["solar"],
      normalize: true,
      truncate: true,
      truncation_direction: "Right",
      prompt_name: "query",
    });
  });

  it("validates options", () => {
    expect(() => createOpenAiEmbedder({ model: "m", dimension: 0 })).toThrow(/dimension/);
    expect(() => createNimEmbedder({ baseUrl: "localhost", model: "m", dimension: 4 })).toThrow(
      /baseUrl/,
    );
  });
});
