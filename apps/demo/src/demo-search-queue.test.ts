import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { standardAnalyzer } from "@hybrid-rag/bm25";
import type { Hit, RetrieveOptions, Retriever } from "@hybrid-rag/core";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { DemoEngine } from "./demo-engine.ts";
import { createDemoServer } from "./demo-server.ts";

// The demo's searches against clients that leave and clients that crowd it, on loopback: a
// retriever held at a gate stands for a slow search, so the busy states are reached without
// timing assumptions. Assertions are on statuses, bodies and which searches ran.

/** A retriever that records each query and waits at a gate until opened (or its signal fires). */
function gatedRetriever() {
  const started: string[] = [];
  const stopped: string[] = [];
  let openGate = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const retriever: Retriever = {
    name: "gated",
    async retrieve(query: string, options: RetrieveOptions): Promise<Hit[]> {
      started.push(query);
      for (const waiter of waiters.filter((entry) => started.length >= entry.count))
        waiter.resolve();
      await new Promise<void>((resolve, reject) => {
        void gate.then(resolve);
        options.signal?.addEventListener("abort", () => {
          stopped.push(query);
          reject(options.signal!.reason);
        });
      });
      return [{ id: `hit-${query}`, score: 1, rank: 1, sources: {} }];
    },
  };
  return {
    retriever,
    started,
    stopped,
    open: () => openGate(),
    waitForStarted: (count: number) =>
      started.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function startDemoServer(
  retriever: Retriever,
  maxConcurrentSearches = 1,
  maxQueuedSearches = 2,
) {
  const engine = new DemoEngine({
    sparse: retriever,
    fusion: reciprocalRankFusion({ k: 60 }),
    indexes: [],
    descriptions: { sparse: "gated", dense: "off", fused: "RRF", reranked: "off" },
    analyzer: standardAnalyzer,
    off: {
      dense: { reason: "not in this test", howToEnable: "-" },
      reranked: { reason: "not in this test", howToEnable: "-" },
    },
  });
  app = createDemoServer({
    engine,
    corpus: { source: "test", documents: 0 },
    logLevel: "silent",
    limits: { maxConcurrentSearches, maxQueuedSearches },
  });
  return app.listen({ host: "127.0.0.1", port: 0 });
}

const search = (url: string, query: string) =>
  fetch(`${url}/api/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, candidates: 1000 }),
  });

/** Waits until the demo reports `waiting` searches in line. */
async function untilWaiting(url: string, waiting: number) {
  for (;;) {
    const status = (await (await fetch(`${url}/api/status`)).json()) as {
      searches: { waiting: number };
    };
    if (status.searches.waiting === waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A search sent on a raw socket, so the test can hang up on it. */
async function searchThenLeaveLater(url: string, query: string): Promise<Socket> {
  const { port } = new URL(url);
  const socket = connect(Number(port), "127.0.0.1");
  socket.on("error", () => {});
  await once(socket, "connect");
  const body = JSON.stringify({ query, candidates: 1000 });
  socket.write(
    `POST /api/search HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  return socket;
}

describe("demo searches: cancelled when the client leaves, queued with a bound", () => {
  it("stops a running search when its client hangs up", { timeout: 20_000 }, async () => {
    const gated = gatedRetriever();
    const url = await startDemoServer(gated.retriever);
    const socket = await searchThenLeaveLater(url, "abandoned");
    await gated.waitForStarted(1);
    socket.destroy();
    // The retriever's signal fires: the work stops, the gate never had to open.
    for (;;) {
      if (gated.stopped.includes("abandoned")) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    gated.open();
    expect((await search(url, "later")).status).toBe(200);
  });

  it("drops queued searches whose clients left: they never run", { timeout: 20_000 }, async () => {
    const gated = gatedRetriever();
    const url = await startDemoServer(gated.retriever, 1, 16);
    const first = search(url, "first");
    await gated.waitForStarted(1);
    const leaving = await Promise.all(
      Array.from({ length: 10 }, (_, index) => searchThenLeaveLater(url, `abandoned ${index}`)),
    );
    await untilWaiting(url, 10);
    for (const socket of leaving) socket.destroy();
    await untilWaiting(url, 0);
    gated.open();
    expect((await first).status).toBe(200);
    expect((await search(url, "later")).status).toBe(200);
    expect(gated.started.filter((query) => query.startsWith("abandoned"))).toEqual([]);
  });

  it("answers 503 with Retry-After when the queue is full, then serves again", {
    timeout: 20_000,
  }, async () => {
    const gated = gatedRetriever();
    const url = await startDemoServer(gated.retriever, 1, 2);
    const running = search(url, "running");
    await gated.waitForStarted(1);
    const queued = [search(url, "queued 1"), search(url, "queued 2")];
    await untilWaiting(url, 2);
    const refused = await search(url, "one too many");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toMatchObject({
      code: "resource-exhausted",
      error: expect.stringMatching(/busy: 1 searches running and 2 waiting/),
    });
    gated.open();
    for (const answer of [await running, ...(await Promise.all(queued))]) {
      expect(answer.status).toBe(200);
    }
    expect((await search(url, "after")).status).toBe(200);
  });
});
