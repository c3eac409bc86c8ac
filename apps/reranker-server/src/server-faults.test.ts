import { request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { PairScorer } from "./pair-scorer.ts";
import { gateScorer } from "./testing/gated-scorer.ts";
import { loadTestScorer, scoreDirectly } from "./testing/test-scorer.ts";
import { closingAfterEachTest, startTestServer } from "./testing/test-server.ts";

const body = (query: string, count = 2) => ({
  model: "tiny-cross-encoder",
  query: { text: query },
  passages: Array.from({ length: count }, (_, index) => ({
    text: `passage ${index} about ${query}`,
  })),
  truncate: "END",
});

const start = closingAfterEachTest();

/** Reads a gauge from /v1/metrics until it has the wanted value (the server's own view). */
async function waitForGauge(url: string, name: string, value: number): Promise<void> {
  for (;;) {
    const text = await (await fetch(`${url}/v1/metrics`)).text();
    const line = text.split("\n").find((entry) => entry.startsWith(`${name} `));
    if (line && Number(line.split(" ")[1]) === value) return;
    await sleep(5);
  }
}

describe("API key", () => {
  it("requires the bearer key on ranking routes and leaves health checks open", async () => {
    const { post, url } = await start(loadTestScorer, { apiKey: "s3cret-key" });
    expect((await post("/v1/ranking", body("sun"))).status).toBe(401);
    const wrong = await post("/v1/ranking", body("sun"), { authorization: "Bearer s3cret-kez" });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { message: string }).message).toMatch(/Authorization: Bearer/);
    const shorter = await post(
      "/v1/rerank",
      { query: "q", documents: ["a"] },
      { authorization: "Bearer s" },
    );
    expect(shorter.status).toBe(401);
    const right = await post("/v1/ranking", body("sun"), { authorization: "Bearer s3cret-key" });
    expect(right.status).toBe(200);
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${url}/v1/health/ready`)).status).toBe(200);
    expect((await fetch(`${url}/v1/health/live`)).status).toBe(200);
  });
});

describe("readiness", () => {
  it("is live at once but ready, and ranking, only once the model has loaded", async () => {
    let finishLoading: (scorer: PairScorer) => void = () => {};
    const loading = new Promise<PairScorer>((resolve) => {
      finishLoading = resolve;
    });
    const { post, url, server } = await start(() => loading, {}, { waitForModel: false });
    expect((await fetch(`${url}/v1/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/v1/health/ready`)).status).toBe(503);
    const early = await post("/v1/ranking", body("sun"));
    expect(early.status).toBe(503);
    expect(((await early.json()) as { message: string }).message).toMatch(/loading/);
    finishLoading(await loadTestScorer());
    await server.modelLoaded;
    expect((await fetch(`${url}/v1/health/ready`)).status).toBe(200);
    expect((await post("/v1/ranking", body("sun"))).status).toBe(200);
  });

  it("lists the model, its metadata and Prometheus metrics", async () => {
    const { post, url } = await start(loadTestScorer);
    await post("/v1/ranking", body("sun"));
    expect(await (await fetch(`${url}/v1/models`)).json()).toMatchObject({
      object: "list",
      data: [{ id: "tiny-cross-encoder" }],
    });
    expect(await (await fetch(`${url}/v1/metadata`)).json()).toMatchObject({
      modelInfo: [{ shortName: "tiny-cross-encoder" }],
      limits: { maxPassagesPerRequest: 512 },
    });
    const metrics = await fetch(`${url}/v1/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/reranker_requests_total\{route="\/v1\/ranking",status="200"\} 1/);
    expect(text).toMatch(/reranker_pairs_scored_total 2/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });
});

describe("load and faults", () => {
  it("batches pairs of concurrent requests together and answers each with its own scores", async () => {
    const scorer = await loadTestScorer();
    const gated = gateScorer(scorer);
    const { post, url } = await start(async () => gated.scorer);
    const first = post("/v1/ranking", body("first"));
    await gated.waitForBatches(1);
    const queries = ["solar", "wind", "chess", "tides", "coal", "rivers"];
    const later = queries.map((query) => post("/v1/ranking", body(query)));
    await waitForGauge(url, "reranker_pending_requests", queries.length + 1);
    gated.open();
    const answers = await Promise.all([first, ...later]);
    expect(answers.map((response) => response.status)).toEqual(answers.map(() => 200));
    // Six requests of two pairs each, well under the budget: one batch after the first.
    expect(gated.batches).toHaveLength(2);
    expect(gated.batches[1]).toHaveLength(queries.length * 2);
    for (const [position, response] of answers.entries()) {
      const query = position === 0 ? "first" : queries[position - 1]!;
      const { rankings } = (await response.json()) as {
        rankings: Array<{ index: number; logit: number }>;
      };
      const alone = await scoreDirectly(
        scorer,
        body(query).passages.map(({ text }) => ({ query, passage: text })),
      );
      for (const { index, logit } of rankings) expect(logit).toBeCloseTo(alone[index]!, 5);
    }
  });

  it("answers 503 with Retry-After when the queue is full, and serves the admitted requests", async () => {
    const gated = gateScorer(await loadTestScorer());
    const { post, url } = await start(async () => gated.scorer, { maxQueuedRequests: 3 });
    const admitted = [post("/v1/ranking", body("a"))];
    await gated.waitForBatches(1);
    admitted.push(post("/v1/ranking", body("b")), post("/v1/ranking", body("c")));
    await waitForGauge(url, "reranker_pending_requests", 3);
    const refused = await post("/v1/ranking", body("d"));
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(((await refused.json()) as { message: string }).message).toMatch(/queue is full/);
    gated.open();
    expect((await Promise.all(admitted)).map((response) => response.status)).toEqual([
      200, 200, 200,
    ]);
    expect((await post("/v1/ranking", body("d"))).status).toBe(200);
  });

  it("drops the work of a client that disconnects mid-request", async () => {
    const gated = gateScorer(await loadTestScorer());
    const { post, url } = await start(async () => gated.scorer);
    const held = post("/v1/ranking", body("held"));
    await gated.waitForBatches(1);
    const controller = new AbortController();
    const leaving = post("/v1/ranking", body("leaving")).catch((error: unknown) => error);
    void leaving;
    const raw = rawPost(url, body("gone"), controller.signal);
    await waitForGauge(url, "reranker_pending_requests", 3);
    controller.abort();
    await raw;
    await waitForGauge(url, "reranker_pending_requests", 2);
    gated.open();
    expect((await held).status).toBe(200);
    const scoredQueries = new Set(gated.batches.flat().map((pair) => pair.query));
    expect(scoredQueries.has("gone")).toBe(false);
    expect(scoredQueries.has("leaving")).toBe(true);
  });

  it("times a request out with 504 after RERANKER_REQUEST_TIMEOUT_MS", async () => {
    const gated = gateScorer(await loadTestScorer());
    const { post } = await start(async () => gated.scorer, { requestTimeoutMs: 50 });
    const response = await post("/v1/ranking", body("slow"));
    expect(response.status).toBe(504);
    expect(((await response.json()) as { message: string }).message).toMatch(/longer than 50 ms/);
    gated.open();
  });

  it("finishes the requests in flight when shut down, and takes no new ones", async () => {
    const gated = gateScorer(await loadTestScorer());
    const { post, url, server } = await startTestServer(async () => gated.scorer);
    const inFlight = post("/v1/ranking", body("busy"));
    await gated.waitForBatches(1);
    const closed = server.close();
    await expect(fetch(`${url}/v1/health/live`)).rejects.toThrow();
    gated.open();
    expect((await inFlight).status).toBe(200);
    await closed;
  });
});

/** A POST whose connection is torn down when the signal fires (fetch would hide that). */
function rawPost(url: string, payload: unknown, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const request = httpRequest(`${url}/v1/ranking`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      signal,
    });
    request.on("error", () => resolve());
    request.on("response", () => resolve());
    request.end(JSON.stringify(payload));
  });
}
