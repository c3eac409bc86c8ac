import { describe, expect, it } from "vitest";
import { configFromEnvironment, settingBounds } from "./config.ts";
import type { CrossEncoderPair } from "./cross-encoder-scorer.ts";
import type { PairScorer } from "./pair-scorer.ts";
import { gateScorer } from "./testing/gated-scorer.ts";
import { openSocket, rawPostBytes, startStalledUpload } from "./testing/raw-http.ts";
import { loadTestScorer } from "./testing/test-scorer.ts";
import { closingAfterEachTest, startTestServer } from "./testing/test-server.ts";

// The hostile-client suite's edges (issue 23), on loopback, beside hostile-clients.test.ts:
// settings past their bounds, clients that hang up before or during tokenisation, one client's
// stalled uploads against the others, shutdown answers, and the array limit's message. Each
// asserts on statuses, bodies and what was tokenised, never on elapsed time.

const start = closingAfterEachTest();
const sixteenMiB = 16 * 1024 * 1024;

const rankingBody = (query: string, count = 2) => ({
  model: "tiny-cross-encoder",
  query: { text: query },
  passages: Array.from({ length: count }, (_, index) => ({ text: `passage ${index} ${query}` })),
  truncate: "END",
});

async function stillServes(post: (path: string, body: unknown) => Promise<Response>, url: string) {
  expect((await fetch(`${url}/v1/health/live`)).status).toBe(200);
  expect((await post("/v1/ranking", rankingBody("after"))).status).toBe(200);
}

describe("issue 23: the edges of the classes above", () => {
  it("refuses every size setting above its upper bound at start, naming the allowed range", () => {
    const tooLarge: Record<string, string> = {
      RERANKER_MAX_PASSAGES: "10000000",
      RERANKER_MAX_QUEUED_REQUESTS: String(settingBounds.maxQueuedRequests + 1),
      RERANKER_MAX_QUEUED_PAIRS: String(settingBounds.maxQueuedPairs + 1),
      RERANKER_MAX_BATCH_TOKENS: String(settingBounds.maxBatchTokens + 1),
      RERANKER_MAX_BATCH_PAIRS: String(settingBounds.maxBatchPairs + 1),
      RERANKER_MAX_CONNECTIONS: String(settingBounds.maxConnections + 1),
      RERANKER_MAX_CONNECTIONS_PER_CLIENT: String(settingBounds.maxConnections + 1),
      RERANKER_MAX_BODY_BYTES: String(settingBounds.maxBodyBytes + 1),
      RERANKER_WORKERS: "65",
      RERANKER_MAX_WAIT_MS: "1001",
      NIM_HTTP_API_PORT: "65536",
    };
    for (const [name, value] of Object.entries(tooLarge)) {
      expect(() => configFromEnvironment({ NIM_MODEL_PATH: "/m", [name]: value })).toThrow(
        new RegExp(`${name} must be (from \\d+ to \\d+|0\\.\\.65535)`),
      );
    }
    expect(() =>
      configFromEnvironment({ NIM_MODEL_PATH: "/m", RERANKER_MAX_PASSAGES: "10000000" }),
    ).toThrow(/RERANKER_MAX_PASSAGES must be from 1 to 10000 /);
    // Each bound itself is accepted.
    const atBounds = configFromEnvironment({
      NIM_MODEL_PATH: "/m",
      RERANKER_MAX_PASSAGES: String(settingBounds.maxPassages),
      RERANKER_MAX_QUEUED_PAIRS: String(settingBounds.maxQueuedPairs),
      RERANKER_MAX_BODY_BYTES: String(settingBounds.maxBodyBytes),
      RERANKER_MAX_CONNECTIONS: String(settingBounds.maxConnections),
    });
    expect(atBounds).toMatchObject({
      maxPassagesPerRequest: settingBounds.maxPassages,
      maxQueuedPairs: settingBounds.maxQueuedPairs,
      maxBodyBytes: settingBounds.maxBodyBytes,
      maxConnections: settingBounds.maxConnections,
      maxConnectionsPerClient: 64,
    });
  });

  it("drops the work of clients that hung up before their tokenisation", {
    timeout: 60_000,
  }, async () => {
    const inner = await loadTestScorer();
    const tokenized: string[] = [];
    let openGate = () => {};
    let firstArrived = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      firstArrived = resolve;
    });
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const held: PairScorer<CrossEncoderPair> = {
      ...inner,
      async tokenizePairs(pairs, signal) {
        tokenized.push(pairs[0]!.query);
        firstArrived();
        await gate;
        return inner.tokenizePairs(pairs, signal);
      },
    };
    const { post, url } = await start(async () => held, { maxBodyBytes: sixteenMiB });
    const first = post("/v1/ranking", rankingBody("first"));
    await firstHeld;
    // Four clients send large bodies, then hang up while the first request is tokenised.
    const leaving = await Promise.all(
      Array.from({ length: 4 }, async (_, client) => {
        const socket = await openSocket(url);
        socket.on("error", () => {});
        const body = rankingBody(`leaving ${client}`, 64);
        for (const passage of body.passages) passage.text += " tide".repeat(2000);
        socket.write(rawPostBytes("/v1/ranking", JSON.stringify(body)));
        return socket;
      }),
    );
    const metric = async (pattern: RegExp) => {
      for (;;) {
        const metrics = await (await fetch(`${url}/v1/metrics`)).text();
        if (pattern.test(metrics)) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    // All five are admitted and waiting for the tokeniser before the four leave.
    await metric(/reranker_pending_requests 5\b/);
    for (const socket of leaving) socket.destroy();
    await metric(/reranker_requests_total\{route="\/v1\/ranking",status="499"\} 4\b/);
    openGate();
    expect((await first).status).toBe(200);
    expect((await post("/v1/ranking", rankingBody("later", 1))).status).toBe(200);
    expect(tokenized).toEqual(["first", "later"]);
  });

  it("stops tokenising a large request in the middle when its client hangs up", {
    timeout: 60_000,
  }, async () => {
    const inner = await loadTestScorer();
    const slices: number[] = [];
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let firstSlice = () => {};
    const firstSliceArrived = new Promise<void>((resolve) => {
      firstSlice = resolve;
    });
    const held: PairScorer<CrossEncoderPair> = {
      ...inner,
      async tokenizePairs(pairs, signal) {
        slices.push(pairs.length);
        firstSlice();
        await gate;
        return inner.tokenizePairs(pairs, signal);
      },
    };
    const { post, url } = await start(async () => held, { maxBodyBytes: sixteenMiB });
    // Four passages of 200,000 characters: each one slice of its own (128 Ki characters a slice).
    const body = rankingBody("long", 4);
    for (const passage of body.passages) passage.text = "tide ".repeat(40_000);
    const socket = await openSocket(url);
    socket.write(rawPostBytes("/v1/ranking", JSON.stringify(body)));
    await firstSliceArrived;
    socket.destroy();
    for (;;) {
      const metrics = await (await fetch(`${url}/v1/metrics`)).text();
      if (/reranker_requests_total\{route="\/v1\/ranking",status="499"\} 1\b/.test(metrics)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    openGate();
    expect((await post("/v1/ranking", rankingBody("later", 1))).status).toBe(200);
    // The slice in progress finished; the three after it were never tokenised.
    expect(slices).toEqual([1, 1]);
  });

  it("caps one client's connections, so its stalled uploads cannot starve others or health", {
    timeout: 60_000,
  }, async () => {
    const { post, url } = await start(loadTestScorer, {
      maxConnections: 32,
      maxConnectionsPerClient: 8,
    });
    // One client (127.0.0.2) opens more stalled uploads than the whole server holds.
    const sockets = await Promise.all(
      Array.from({ length: 40 }, () => startStalledUpload(url, 10_000, "127.0.0.2")),
    );
    expect(sockets.length).toBe(40);
    // The server closes every connection of that client past its eighth, at accept.
    let closed = 0;
    await new Promise<void>((resolve) => {
      for (const socket of sockets) {
        socket.once("close", () => {
          if (++closed === 32) resolve();
        });
      }
    });
    const stillOpen = sockets.filter((socket) => !socket.destroyed);
    expect(stillOpen.length).toBe(8);
    // Another client (127.0.0.1) is served, health included.
    await stillServes(post, url);
    for (const socket of stillOpen) socket.destroy();
  });

  it("answers a request arriving during shutdown with a NIM-shaped 503 and Retry-After", {
    timeout: 30_000,
  }, async () => {
    const gated = gateScorer(await loadTestScorer());
    const { post, server } = await startTestServer(async () => gated.scorer);
    const held = post("/v1/ranking", rankingBody("held"));
    await gated.waitForBatches(1);
    const closed = server.close();
    // A request on a connection still open while the held one finishes (inject: no new socket).
    const late = await server.app.inject({
      method: "POST",
      url: "/v1/ranking",
      payload: rankingBody("late"),
    });
    gated.open();
    expect((await held).status).toBe(200);
    await closed;
    expect(late.statusCode).toBe(503);
    expect(late.headers["retry-after"]).toBe("1");
    const body = late.json();
    expect(body).toMatchObject({ object: "error", type: "unavailable" });
    expect(body.message).toMatch(/shutting down/);
  });

  it("names rank_fields, not passages, when it holds too many items", async () => {
    const { post } = await start(loadTestScorer);
    const response = await post("/v1/rerank", {
      query: "q",
      documents: [{ text: "a" }],
      rank_fields: Array.from({ length: 600 }, (_, index) => `field${index}`),
    });
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body).toMatchObject({ object: "error", type: "invalid-argument" });
    expect(body.message).toMatch(/"rank_fields" has more than 512 items/);
    expect(body.message).not.toMatch(/passages per request/);
    const documents = await post("/v1/rerank", {
      query: "q",
      documents: Array.from({ length: 600 }, () => "d"),
    });
    expect((await documents.json()).message).toMatch(
      /"documents" has more than 512 items .*send at most 512 documents per request, or raise RERANKER_MAX_PASSAGES/,
    );
  });
});
