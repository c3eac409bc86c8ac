import type { Document, Embedder, IndexProgressEvent } from "@hybrid-rag/core";
import { expectErrorCode, HashingEmbedder, tinyPng } from "@hybrid-rag/core/testing";
import { QdrantClient } from "@qdrant/js-client-rest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pointIdFor } from "./point-id.ts";
import { createQdrantIndex } from "./qdrant-index.ts";
import type { QdrantIndexOptions } from "./qdrant-options.ts";
import { QdrantStub } from "./testing/qdrant-stub.ts";

const stub = new QdrantStub();
let url = "";
let counter = 0;
beforeAll(async () => {
  url = await stub.start();
});
afterEach(() => {
  stub.fault = undefined;
});
afterAll(async () => {
  expect(stub.violations).toEqual([]);
  await stub.close();
});

function store(options: Partial<QdrantIndexOptions> = {}) {
  return createQdrantIndex({
    url,
    collection: `test-${counter++}`,
    embedder: new HashingEmbedder(16),
    initialBackoffMs: 1,
    maxBackoffMs: 5,
    ...options,
  });
}

const documents = (count: number): Document[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `doc-${i}`,
    text: `passage number ${i}`,
    metadata: { n: i },
  }));

function upsertsOf(collection: string) {
  return stub.requests.filter(
    (request) => request.method === "PUT" && request.path === `/collections/${collection}/points`,
  );
}

describe("Qdrant adapter", () => {
  it("creates the collection from the embedder's dimension, with HNSW and quantisation options", async () => {
    const index = store({
      metric: "dot",
      hnsw: { m: 32, ef_construct: 200 },
      quantization: { scalar: { type: "int8", quantile: 0.99 } },
    });
    await index.upsert(documents(1));
    const created = stub.requests.find(
      (request) => request.method === "PUT" && request.path === `/collections/${index.collection}`,
    );
    expect(created?.body).toEqual({
      vectors: { size: 16, distance: "Dot" },
      hnsw_config: { m: 32, ef_construct: 200 },
      quantization_config: { scalar: { type: "int8", quantile: 0.99 } },
    });
    const points = upsertsOf(index.collection)[0]?.body as {
      points: Array<{ id: string; payload: unknown }>;
    };
    expect(points.points[0]).toMatchObject({
      id: pointIdFor("doc-0"),
      payload: { id: "doc-0", text: "passage number 0" },
    });
  });

  it("refuses an existing collection of another dimension", async () => {
    const first = store();
    await first.upsert(documents(1));
    const other = store({ collection: first.collection, embedder: new HashingEmbedder(32) });
    await expectErrorCode(other.upsert(documents(1)), "invalid-argument");
  });

  it("batches upserts with progress events", async () => {
    const index = store({ batchSize: 10, concurrency: 3 });
    const events: IndexProgressEvent[] = [];
    index.events.on("index-progress", (event) => events.push(event));
    expect(await index.upsert(documents(45))).toEqual({ succeeded: 45, failed: [] });
    expect(upsertsOf(index.collection)).toHaveLength(5);
    expect(events.at(-1)).toMatchObject({ index: "qdrant", done: 45, total: 45, failed: 0 });
    expect(await index.count()).toBe(45);
  });

  it("retries through connection resets, timeouts and 429/503 bursts, losing nothing", async () => {
    const index = store({ batchSize: 8, concurrency: 2, maxRetries: 6, timeoutMs: 300 });
    const attempts = new Map<string, number>();
    const faults = [
      { kind: "reset" },
      { kind: "hang" },
      { kind: "status", status: 429, retryAfterSeconds: 0 },
      { kind: "status", status: 429 },
      { kind: "status", status: 503 },
    ] as const;
    // Each batch (known by its first point) meets every fault once before it goes through.
    stub.fault = (method, path, body) => {
      if (method !== "PUT" || !path.endsWith("/points")) return undefined;
      const first = (body as { points: Array<{ id: string }> }).points[0]!.id;
      const attempt = (attempts.get(first) ?? 0) + 1;
      attempts.set(first, attempt);
      return faults[attempt - 1];
    };
    const report = await index.upsert(documents(40));
    expect(report).toEqual({ succeeded: 40, failed: [] });
    expect([...attempts.values()]).toEqual([6, 6, 6, 6, 6]);
    stub.fault = undefined;
    expect(await index.count()).toBe(40);
  });

  it("reports every document of a batch that cannot be written, and keeps the others", async () => {
    const index = store({ batchSize: 5, concurrency: 1, maxRetries: 2 });
    let calls = 0;
    stub.fault = (method, path) =>
      method === "PUT" && path.endsWith("/points") && calls++ < 3
        ? { kind: "status", status: 503 }
        : undefined;
    const report = await index.upsert(documents(12));
    expect(report.succeeded).toBe(7);
    expect(report.failed.map((failure) => failure.id)).toEqual([
      "doc-0",
      "doc-1",
      "doc-2",
      "doc-3",
      "doc-4",
    ]);
    expect(report.failed[0]!.error).toMatchObject({ code: "unavailable", statusCode: 503 });
  });

  it("does not retry a rejected request (400) and reports the batch with Qdrant's reason", async () => {
    const index = store({ batchSize: 4 });
    stub.fault = (method, path) =>
      method === "PUT" && path.endsWith("/points") ? { kind: "status", status: 400 } : undefined;
    const report = await index.upsert(documents(4));
    expect(report.failed).toHaveLength(4);
    expect(report.failed[0]!.error.message).toMatch(/400 \(injected fault\)/);
    expect(upsertsOf(index.collection)).toHaveLength(1);
  });

  it("reports documents whose embedding failed or is malformed", async () => {
    const broken: Embedder = {
      name: "broken",
      dimension: 2,
      embedQueries: async () => [],
      embedPassages: async (texts) =>
        texts.map((text) =>
          text.includes("bad") ? new Float32Array([Number.NaN, 1]) : new Float32Array([1, 0]),
        ),
    };
    const index = store({ embedder: broken });
    const report = await index.upsert([
      { id: "good", text: "fine" },
      { id: "bad", text: "bad vector" },
    ]);
    expect(report.succeeded).toBe(1);
    expect(report.failed.map((failure) => failure.id)).toEqual(["bad"]);
  });

  it('reports image-only documents (text "") as unsupported failures, never embedding them', async () => {
    const seen: string[] = [];
    const inner = new HashingEmbedder(16);
    const recording: Embedder = {
      name: "recording",
      dimension: 16,
      embedQueries: (texts) => inner.embedQueries(texts),
      embedPassages: (texts) => {
        seen.push(...texts);
        return inner.embedPassages(texts);
      },
    };
    const index = store({ embedder: recording });
    const image = { mediaType: "image/png" as const, data: tinyPng() };
    const report = await index.upsert([
      { id: "text", text: "fine" },
      { id: "page-1", text: "", image },
    ]);
    expect(seen).toEqual(["fine"]);
    expect(report.succeeded).toBe(1);
    expect(report.failed.map((failure) => failure.id)).toEqual(["page-1"]);
    expect((report.failed[0]!.error as { code?: string }).code).toBe("unsupported");
    expect(report.failed[0]!.error.message).toMatch(
      /image-only .* This store needs a vector per document/,
    );
  });

  it("maps search failures to error codes and honours aborts", async () => {
    const index = store({ timeoutMs: 200 });
    await index.upsert(documents(3));
    stub.fault = () => ({ kind: "reset" });
    await expectErrorCode(index.retrieve("passage", { topK: 3 }), "unavailable");
    stub.fault = () => ({ kind: "hang" });
    await expectErrorCode(index.retrieve("passage", { topK: 3 }), "timeout");
    const controller = new AbortController();
    const pending = index.retrieve("passage", { topK: 3, signal: controller.signal });
    controller.abort(new Error("user left"));
    await expectErrorCode(pending, "aborted");
    stub.fault = () => ({ kind: "status", status: 429 });
    await expectErrorCode(index.retrieve("passage", { topK: 3 }), "rate-limited");
  });

  it("takes a user-supplied client and requires one of client or url", () => {
    const client = new QdrantClient({ url, checkCompatibility: false });
    expect(
      createQdrantIndex({ client, collection: "x", embedder: new HashingEmbedder(4) }).client,
    ).toBe(client);
    expect(() => createQdrantIndex({ collection: "x", embedder: new HashingEmbedder(4) })).toThrow(
      /client.*url/,
    );
  });

  it("refuses a timeoutMs a timer cannot hold, naming the limit", async () => {
    for (const timeoutMs of [2 ** 31, 1e12, 0, Number.POSITIVE_INFINITY]) {
      await expectErrorCode(
        Promise.resolve().then(() =>
          createQdrantIndex({ url, collection: "x", embedder: new HashingEmbedder(4), timeoutMs }),
        ),
        "invalid-argument",
      );
    }
    expect(() =>
      createQdrantIndex({
        url,
        collection: "x",
        embedder: new HashingEmbedder(4),
        timeoutMs: 2 ** 31,
      }),
    ).toThrow(/timeoutMs must be at most 2147483647 ms/);
  });
});
