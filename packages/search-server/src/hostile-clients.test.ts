import { once } from "node:events";
import { createEmbeddedCollection, type EmbeddedCollection } from "@hybrid-rag/collection";
import type { EmbedOptions } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openApiResponseChecker } from "./openapi-check.test.helper.ts";
import { rawExchange, rawPost, startStalledUpload } from "./raw-http.test.helper.ts";
import { createSearchServer, type SearchServer } from "./search-server.ts";
import type { SearchServerSettings } from "./search-server-settings.ts";

// Hostile clients against `hybrid-rag serve`'s server, on loopback: one test per class (huge or
// deep bodies, wrong content types, auth before the body, stalled uploads, a full queue, slow
// searches, shutdown with work in flight). Assertions are on statuses and ordering, never on
// elapsed time; the test timeouts bound them. Every JSON answer is checked against the OpenAPI
// document.

/** Query embedding waits until `open()`: a search that is as slow as the test needs. */
class GatedEmbedder extends HashingEmbedder {
  #waiting: Array<() => void> = [];
  #closed = false;

  /** Queries waiting at the gate now. */
  get held(): number {
    return this.#waiting.length;
  }

  override async embedQueries(
    texts: readonly string[],
    options?: EmbedOptions,
  ): Promise<Float32Array[]> {
    if (this.#closed) {
      await new Promise<void>((resolve, reject) => {
        this.#waiting.push(resolve);
        options?.signal?.addEventListener(
          "abort",
          () => {
            this.#waiting = this.#waiting.filter((waiting) => waiting !== resolve);
            reject(options.signal?.reason);
          },
          { once: true },
        );
      });
    }
    return super.embedQueries(texts, options);
  }

  close(): void {
    this.#closed = true;
  }

  open(): void {
    this.#closed = false;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

let embedder: GatedEmbedder;
let collection: EmbeddedCollection;
let running: SearchServer[] = [];
const apiKey = "hostile-test-key-0123456789";

beforeAll(async () => {
  embedder = new GatedEmbedder(64);
  collection = createEmbeddedCollection({ embedder });
  // Ingest embeds passages only: the gate holds queries.
  await collection.ingest([
    { id: "a", text: "the moon pulls the tides" },
    { id: "b", text: "lemon cake with sugar" },
  ] as never);
});

afterEach(async () => {
  embedder.open();
  await Promise.all(running.map((server) => server.close()));
  running = [];
});

async function start(settings: SearchServerSettings = {}) {
  const server = createSearchServer({
    collection,
    settings: { port: 0, logLevel: "silent", ...settings },
  });
  running.push(server);
  const url = await server.listen();
  embedder.close();
  const check = await openApiResponseChecker(
    (await (await fetch(`${url}/openapi.json`)).json()) as Record<string, unknown>,
  );
  const search = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}/v1/search`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    check("POST", "/v1/search", response.status, response.headers.get("content-type") ?? "", json);
    return {
      status: response.status,
      body: json as { error?: { code: string; message: string } },
      headers: response.headers,
    };
  };
  const rawSearch = async (bytes: Buffer) => {
    const answer = await rawExchange(url, bytes);
    const json = JSON.parse(answer.body) as unknown;
    check("POST", "/v1/search", answer.status, "application/json", json);
    return { ...answer, json };
  };
  return { server, url, search, rawSearch };
}

async function stillServes(url: string) {
  expect((await fetch(`${url}/v1/health/live`)).status).toBe(200);
}

describe("bodies: limits before parsing", () => {
  it("answers 413 to a body over the limit and keeps serving", { timeout: 30_000 }, async () => {
    const { url, rawSearch } = await start({ maxBodyBytes: 64 * 1024 });
    const answer = await rawSearch(
      rawPost("/v1/search", `{"query":"${"x".repeat(4 * 1024 * 1024)}"}`),
    );
    expect(answer.status).toBe(413);
    await stillServes(url);
  });

  it("answers 400 to a 10,000-deep body and to a 100,000-item array (no stack overflow, nothing built)", async () => {
    const { url, rawSearch } = await start();
    const deep = await rawSearch(
      rawPost("/v1/search", `${"[".repeat(10_000)}${"]".repeat(10_000)}`),
    );
    expect(deep.status).toBe(400);
    expect(deep.body).toMatch(/deeper than 32 levels/);
    const wide = await rawSearch(
      rawPost("/v1/search", `{"query":"q","filters":{"a":[${"1,".repeat(99_999)}1]}}`),
    );
    expect(wide.status).toBe(400);
    expect(wide.body).toMatch(/more than 1000 items/);
    await stillServes(url);
  });

  it("answers 415 to a body that is not JSON and 400 to an empty or malformed one", async () => {
    const { rawSearch } = await start();
    expect(
      (await rawSearch(rawPost("/v1/search", "query=x", { "content-type": "text/plain" }))).status,
    ).toBe(415);
    expect((await rawSearch(rawPost("/v1/search", ""))).status).toBe(400);
    expect((await rawSearch(rawPost("/v1/search", '{"query":'))).status).toBe(400);
  });
});

describe("auth before the body", () => {
  it("answers 401 while the upload of an unauthenticated client is still arriving", {
    timeout: 30_000,
  }, async () => {
    const { url } = await start({ apiKey });
    const socket = await startStalledUpload(
      url,
      "/v1/search",
      "authorization: Bearer wrong\r\n",
      1_000_000,
    );
    const [chunk] = (await once(socket, "data")) as [Buffer];
    expect(chunk.toString("latin1")).toMatch(/^HTTP\/1\.1 401/);
    socket.destroy();
    await stillServes(url);
  });
});

describe("timeouts and bounded work", () => {
  it("closes a stalled upload within the body timeout and keeps serving", {
    timeout: 30_000,
  }, async () => {
    const { url } = await start({ bodyTimeoutMs: 300 });
    const socket = await startStalledUpload(url, "/v1/search");
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    // The server answers 408 and ends the connection without waiting for the body.
    await once(socket, "end");
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    socket.destroy();
    await stillServes(url);
  });

  it("answers 504 to a search past the request timeout; the event loop stays free meanwhile", {
    timeout: 30_000,
  }, async () => {
    const { url, search } = await start({ requestTimeoutMs: 500 });
    const slow = search({ query: "moon" });
    while (embedder.held === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await stillServes(url);
    const answer = await slow;
    expect(answer.status).toBe(504);
    expect(answer.body.error?.code).toBe("timeout");
  });

  it("answers 503 with Retry-After once the running and queued searches are at the limit", {
    timeout: 30_000,
  }, async () => {
    const { search } = await start({ maxConcurrentSearches: 1, maxQueuedSearches: 1 });
    const first = search({ query: "moon" });
    const second = search({ query: "cake" });
    while (embedder.held === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const third = await search({ query: "tides" });
    expect(third.status).toBe(503);
    expect(third.headers.get("retry-after")).toBe("1");
    expect(embedder.held).toBe(1); // the second waits in the queue, not at the model
    embedder.open();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
  });

  it("shuts down within the deadline with a search in flight and a stalled upload", {
    timeout: 30_000,
  }, async () => {
    const { server, url, search } = await start({ shutdownTimeoutMs: 300 });
    const inFlight = search({ query: "moon" }).catch((error: unknown) => error);
    const stalled = await startStalledUpload(url, "/v1/search");
    const stalledClosed = once(stalled, "close");
    while (embedder.held === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await server.close();
    running = [];
    await stalledClosed;
    expect(await inFlight).toBeInstanceOf(Error); // the connection was cut at the deadline
  });
});
