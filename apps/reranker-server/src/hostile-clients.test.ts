import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { configFromEnvironment, maxTimerMs, settingBounds } from "./config.ts";
import { type CrossEncoderPair, workerPoolScorer } from "./cross-encoder-scorer.ts";
import type { PairScorer } from "./pair-scorer.ts";
import { gateScorer } from "./testing/gated-scorer.ts";
import { openSocket, rawExchange, rawPostBytes, startStalledUpload } from "./testing/raw-http.ts";
import { loadTestScorer, loadTestWorkerPool } from "./testing/test-scorer.ts";
import { closingAfterEachTest, startTestServer } from "./testing/test-server.ts";

// A hostile-client suite, one test (or two) per class of issue 12, on loopback. Each asserts
// on statuses, sizes and ordering, never on elapsed time; the test timeouts bound them.

const start = closingAfterEachTest();
const sixteenMiB = 16 * 1024 * 1024;
const maxAnswerBytes = 64 * 1024;

const rankingBody = (query: string, count = 2) => ({
  model: "tiny-cross-encoder",
  query: { text: query },
  passages: Array.from({ length: count }, (_, index) => ({ text: `passage ${index} ${query}` })),
  truncate: "END",
});

/** `{"model":…,"passages":[1,1,1,…]}` of about `bytes` bytes: millions of invalid items. */
function invalidArrayBody(field: "passages" | "documents", bytes: number): string {
  const head =
    field === "passages"
      ? '{"model":"tiny-cross-encoder","query":{"text":"q"},"passages":['
      : '{"query":"q","documents":[';
  const items = Math.floor((bytes - head.length - 2) / 2);
  return `${head}${"1,".repeat(items - 1)}1]}`;
}

async function stillServes(post: (path: string, body: unknown) => Promise<Response>, url: string) {
  expect((await fetch(`${url}/v1/health/live`)).status).toBe(200);
  expect((await post("/v1/ranking", rankingBody("after"))).status).toBe(200);
}

describe("class 1: one request must not take the server down", () => {
  it("answers a 16 MB array of invalid passages with a small 422 and keeps serving", {
    timeout: 60_000,
  }, async () => {
    const { post, url } = await start(loadTestScorer, { maxBodyBytes: sixteenMiB + 1024 });
    for (const [path, field] of [
      ["/v1/ranking", "passages"],
      ["/v1/rerank", "documents"],
    ] as const) {
      const body = invalidArrayBody(field, sixteenMiB);
      expect(body.length).toBeGreaterThan(sixteenMiB - 16);
      const answer = await rawExchange(url, rawPostBytes(path, body));
      expect(answer.status).toBe(422);
      expect(answer.bytes).toBeLessThan(maxAnswerBytes);
      expect(JSON.parse(answer.body).message).toMatch(
        new RegExp(`"${field}" has more than 512 items .*RERANKER_MAX_PASSAGES`),
      );
    }
    await stillServes(post, url);
  });

  it("answers a 10,000-deep body with a small 400 (no stack overflow) and keeps serving", {
    timeout: 30_000,
  }, async () => {
    const { post, url } = await start(loadTestScorer);
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    for (const body of [
      deep,
      `{"model":"tiny-cross-encoder","query":{"text":${deep}},"passages":[]}`,
    ]) {
      const answer = await rawExchange(url, rawPostBytes("/v1/ranking", body));
      expect(answer.status).toBe(400);
      expect(answer.bytes).toBeLessThan(maxAnswerBytes);
      expect(answer.body).toMatch(/deeper than 32 levels/);
    }
    await stillServes(post, url);
  });

  it("caps the message for a list within the limit whose items are all invalid", async () => {
    const { post } = await start(loadTestScorer);
    const response = await post("/v1/ranking", {
      ...rankingBody("q"),
      // 512 passages (the limit), each one invalid: one issue per item.
      passages: Array.from({ length: 512 }, () => 7),
    });
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text.length).toBeLessThan(4096);
    expect(text).toMatch(/and 502 more issues/);
  });
});

describe("class 2: inference and tokenising leave the event loop free", () => {
  let pool: Awaited<ReturnType<typeof loadTestWorkerPool>> | undefined;
  afterAll(() => pool?.release());

  it("answers /v1/health/live while a maximum-size batch is being scored", {
    timeout: 120_000,
  }, async () => {
    // 512 pairs of ≤ 64 tokens in one batch and one model run (the pool's run budget is
    // 512 × 64 tokens), so "between runs" cannot be mistaken for "during a run".
    pool = await loadTestWorkerPool(512);
    const scorer = workerPoolScorer(pool);
    let runs = 0;
    let inRun = false;
    const tracking: PairScorer<CrossEncoderPair> = {
      ...scorer,
      async scoreTokenized(pairs, signal) {
        runs++;
        inRun = true;
        try {
          return await scorer.scoreTokenized(pairs, signal);
        } finally {
          inRun = false;
        }
      },
    };
    const { post, url } = await start(async () => tracking, {
      maxBatchPairs: 512,
      maxBatchTokens: 512 * 64,
      maxBodyBytes: sixteenMiB,
    });
    // Long passages (cut to the model's 64 tokens) make the tokeniser work too.
    const body = {
      ...rankingBody("what moves the tides", 512),
      passages: Array.from({ length: 512 }, (_, index) => ({
        text: `passage ${index} ${"the moon pulls the sea ".repeat(100)}`,
      })),
    };
    let answered = false;
    const ranking = post("/v1/ranking", body).then((response) => {
      answered = true;
      return response;
    });
    let healthChecks = 0;
    let answeredDuringRun = 0;
    while (!answered) {
      const health = await fetch(`${url}/v1/health/live`);
      healthChecks++;
      expect(health.status).toBe(200);
      // The server is in this process: a health answer that arrives while the run's promise
      // is unsettled was served while the model ran (a run on this thread would block both).
      if (inRun) answeredDuringRun++;
    }
    expect((await ranking).status).toBe(200);
    expect(healthChecks).toBeGreaterThan(1);
    expect(runs).toBe(1);
    expect(answeredDuringRun).toBeGreaterThan(0);
  });
});

describe("class 3: request bodies are timed out", () => {
  it("closes a stalled upload within the body timeout and keeps serving", {
    timeout: 30_000,
  }, async () => {
    const { post, url } = await start(loadTestScorer, {
      bodyTimeoutMs: 300,
      headersTimeoutMs: 300,
    });
    const stalled = await Promise.all([startStalledUpload(url), startStalledUpload(url)]);
    const answers = stalled.map(() => [] as Buffer[]);
    stalled.forEach((socket, index) => {
      socket.on("data", (chunk: Buffer) => answers[index]!.push(chunk));
    });
    await Promise.all(stalled.map((socket) => once(socket, "close")));
    for (const chunks of answers) {
      const [head = "", body = ""] = Buffer.concat(chunks).toString().split("\r\n\r\n", 2);
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
      // In the NIM error shape, like every other error.
      const error = JSON.parse(body);
      expect(error).toMatchObject({ object: "error", type: "timeout" });
      expect(error.message).toMatch(/RERANKER_BODY_TIMEOUT_MS/);
    }
    await stillServes(post, url);
  });

  it("shuts down within the deadline with stalled uploads and work in flight", {
    timeout: 30_000,
  }, async () => {
    const gated = gateScorer(await loadTestScorer());
    const { post, url, server } = await startTestServer(async () => gated.scorer, {
      shutdownTimeoutMs: 300,
    });
    const stalled = await startStalledUpload(url);
    const inFlight = post("/v1/ranking", rankingBody("never scored")).catch(
      (error: unknown) => error,
    );
    await gated.waitForBatches(1);
    // The gate never opens: only the deadline can end this shutdown.
    await server.close();
    if (!stalled.destroyed) await once(stalled, "close");
    expect(await inFlight).toBeInstanceOf(Error);
  });
});

describe("class 4: timeouts a timer cannot hold are refused", () => {
  it("refuses RERANKER_REQUEST_TIMEOUT_MS of 2^31 ms or more, naming the limit", () => {
    for (const name of [
      "RERANKER_REQUEST_TIMEOUT_MS",
      "RERANKER_BODY_TIMEOUT_MS",
      "RERANKER_SHUTDOWN_TIMEOUT_MS",
    ]) {
      expect(() => configFromEnvironment({ NIM_MODEL_PATH: "/m", [name]: "2147483648" })).toThrow(
        new RegExp(`${name} must be from 1 to ${maxTimerMs} \\(what a Node.js timer can hold`),
      );
    }
    expect(
      configFromEnvironment({
        NIM_MODEL_PATH: "/m",
        RERANKER_REQUEST_TIMEOUT_MS: String(maxTimerMs),
      }).requestTimeoutMs,
    ).toBe(maxTimerMs);
  });
});

describe("class 8: auth, content types, queue budget, aborted requests", () => {
  it("checks the API key before reading the body: 401 with WWW-Authenticate, even for bad JSON", async () => {
    const { url } = await start(loadTestScorer, { apiKey: "s3cret-key" });
    const answer = await rawExchange(url, rawPostBytes("/v1/ranking", "{not json"));
    expect(answer.status).toBe(401);
    expect(answer.headers).toMatch(/www-authenticate: Bearer realm="reranker"/i);
    const deep = await rawExchange(
      url,
      rawPostBytes("/v1/ranking", "[".repeat(10_000), { authorization: "Bearer wrong" }),
    );
    expect(deep.status).toBe(401);
  });

  it("answers 415 for a body that is not JSON", async () => {
    const { url } = await start(loadTestScorer);
    const answer = await rawExchange(
      url,
      rawPostBytes("/v1/ranking", JSON.stringify(rankingBody("q")), {
        "content-type": "text/plain",
      }),
    );
    expect(answer.status).toBe(415);
    expect(answer.body).toMatch(/Content-Type: application\/json/);
  });

  it("budgets the queue in pairs, not only in requests", async () => {
    const gated = gateScorer(await loadTestScorer());
    const { post } = await start(async () => gated.scorer, { maxQueuedPairs: 6 });
    const first = post("/v1/ranking", rankingBody("first", 4));
    await gated.waitForBatches(1);
    const refused = await post("/v1/ranking", rankingBody("second", 4));
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/pairs waiting.*RERANKER_MAX_QUEUED_PAIRS/);
    const fits = post("/v1/ranking", rankingBody("third", 2));
    gated.open();
    expect((await first).status).toBe(200);
    expect((await fits).status).toBe(200);
  });

  it("counts requests whose client went away in reranker_requests_total", async () => {
    const gated = gateScorer(await loadTestScorer());
    const { url } = await start(async () => gated.scorer);
    const socket = await openSocket(url);
    socket.on("error", () => {});
    socket.write(rawPostBytes("/v1/ranking", JSON.stringify(rankingBody("leaving"))));
    await gated.waitForBatches(1);
    socket.destroy();
    // The server's own view: the request is counted as 499 once its socket has closed.
    for (;;) {
      const metrics = await (await fetch(`${url}/v1/metrics`)).text();
      if (/reranker_requests_total\{route="\/v1\/ranking",status="499"\} 1/.test(metrics)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    gated.open();
  });
});

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
