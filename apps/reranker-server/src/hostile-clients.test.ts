import { once } from "node:events";
import { afterAll, describe, expect, it } from "vitest";
import { configFromEnvironment, maxTimerMs } from "./config.ts";
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
