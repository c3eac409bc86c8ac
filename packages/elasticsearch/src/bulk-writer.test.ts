import type { Document, IndexProgressEvent } from "@hybrid-rag/core";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bulkAction, bulkBatches } from "./bulk-batches.ts";
import { fakeElasticsearchIndex } from "./testing/fake-client.ts";
import { clientErrors, responseError } from "./testing/fake-elasticsearch.ts";

const documents = (count: number): Document[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `doc-${i}`,
    text: `document number ${i}`,
    metadata: { n: i },
  }));

function bulkRequests(fake: { requests: Array<{ path: string; body: unknown }> }) {
  return fake.requests.filter((request) => request.path.endsWith("/_bulk"));
}

describe("bulk batching", () => {
  it("never exceeds the count or byte limits and keeps every action once, in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 300 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 50, max: 2000 }),
        (texts, maxDocuments, maxBytes) => {
          const actions = texts.map((text, i) =>
            bulkAction(`${i}`, i, [{ index: { _id: `${i}` } }, { text }]),
          );
          const batches = bulkBatches(actions, maxDocuments, maxBytes);
          expect(batches.flat()).toEqual(actions);
          for (const batch of batches) {
            expect(batch.length).toBeLessThanOrEqual(maxDocuments);
            const bytes = batch.reduce((sum, action) => sum + action.bytes, 0);
            expect(batch.length === 1 || bytes <= maxBytes).toBe(true);
          }
        },
      ),
    );
  });
});

describe("Elasticsearch bulk ingestion", () => {
  it("creates the index with settings mirroring the embedded BM25", async () => {
    const { fake, store } = fakeElasticsearchIndex({ analyzer: "english", k1: 0.9, b: 0.4 });
    await store.upsert(documents(1));
    const created = fake.requests.find((request) => request.path === "/test" && request.body);
    expect(created?.body).toMatchObject({
      settings: {
        number_of_shards: 1,
        number_of_replicas: 0,
        similarity: { hybrid_rag_bm25: { type: "BM25", k1: 0.9, b: 0.4 } },
      },
      mappings: {
        properties: {
          content: { type: "text", analyzer: "english", similarity: "hybrid_rag_bm25" },
        },
      },
    });
  });

  it("batches by count and bytes, with index-progress events", async () => {
    const { fake, store } = fakeElasticsearchIndex({
      bulk: { maxDocuments: 10, maxBytes: 2048, concurrency: 3 },
    });
    const events: IndexProgressEvent[] = [];
    store.events.on("index-progress", (event) => events.push(event));
    const report = await store.upsert(documents(95));
    expect(report).toEqual({ succeeded: 95, failed: [] });
    expect(bulkRequests(fake)).toHaveLength(10);
    expect(events.at(-1)).toMatchObject({ index: "elasticsearch", done: 95, total: 95, failed: 0 });
    expect(events.map((event) => event.done)).toEqual(
      [...events.map((event) => event.done)].sort((a, b) => a - b),
    );
    expect(await store.count()).toBe(95);
  });

  it("retries only the items that failed with 429/5xx and reports mapping errors", async () => {
    const { fake, store } = fakeElasticsearchIndex({ bulk: { maxDocuments: 50 } });
    // Every third document is rejected twice (429, then 503) before it goes in.
    fake.bulkItemFault = (id, attempt) => {
      const n = Number(id.split("-")[1]);
      if (n % 3 !== 0) return undefined;
      return attempt === 1 ? 429 : attempt === 2 ? 503 : undefined;
    };
    const input: Document[] = [
      ...documents(30),
      { id: "bad", text: "x", metadata: { n: "not a number" } },
    ];
    const report = await store.upsert(input);
    expect(report.succeeded).toBe(30);
    expect(report.failed.map((failure) => [failure.id, failure.index])).toEqual([["bad", 30]]);
    expect(report.failed[0]!.error.message).toMatch(
      /rejected with 400.*document_parsing_exception/,
    );
    const sizes = bulkRequests(fake).map((request) => (request.body as unknown[]).length / 2);
    expect(sizes).toEqual([31, 10, 10]);
    expect(await store.count()).toBe(30);
  });

  it("reports items that stay rate-limited after the retries, never dropping them", async () => {
    const { fake, store } = fakeElasticsearchIndex({ bulk: { maxRetries: 3 } });
    fake.bulkItemFault = (id) => (id === "doc-4" || id === "doc-7" ? 429 : undefined);
    const report = await store.upsert(documents(10));
    expect(report.succeeded).toBe(8);
    expect(report.failed.map((failure) => failure.id)).toEqual(["doc-4", "doc-7"]);
    for (const failure of report.failed) {
      expect(failure.error).toMatchObject({
        code: "rate-limited",
        statusCode: 429,
        isRetryable: true,
      });
      expect(failure.error.message).toMatch(/after 3 retries/);
    }
  });

  it("survives connection resets, timeouts and 429 bursts on whole requests", async () => {
    const { fake, store } = fakeElasticsearchIndex({
      bulk: { maxDocuments: 7, concurrency: 2, maxRetries: 6 },
    });
    const attempts = new Map<string, number>();
    const faults = [
      () => new clientErrors.ConnectionError("socket hang up (ECONNRESET)"),
      () => new clientErrors.TimeoutError("Request timed out"),
      () => responseError(429, "es_rejected_execution_exception", "rejected execution of bulk"),
      () => responseError(429, "es_rejected_execution_exception", "rejected execution of bulk"),
      () => responseError(503, "unavailable_shards_exception", "primary shard is not active"),
    ];
    // Each batch (known by its first id) meets all five faults before it goes through.
    fake.requestFault = (path, body) => {
      if (!path.endsWith("/_bulk")) return undefined;
      const first = JSON.stringify((body as unknown[])[0]);
      const attempt = (attempts.get(first) ?? 0) + 1;
      attempts.set(first, attempt);
      return faults[attempt - 1]?.();
    };
    const input = documents(100);
    const report = await store.upsert(input);
    expect(report).toEqual({ succeeded: 100, failed: [] });
    expect(await store.count()).toBe(100);
    expect([...attempts.values()].every((count) => count === faults.length + 1)).toBe(true);
  });

  it("reports a whole batch when the cluster stays down, and keeps going with the others", async () => {
    const { fake, store } = fakeElasticsearchIndex({
      bulk: { maxDocuments: 5, concurrency: 1, maxRetries: 2 },
    });
    let calls = 0;
    fake.requestFault = (path) =>
      path.endsWith("/_bulk") && calls++ < 3
        ? new clientErrors.ConnectionError("ECONNREFUSED")
        : undefined;
    const report = await store.upsert(documents(12));
    expect(report.succeeded).toBe(7);
    expect(report.failed.map((failure) => failure.id)).toEqual([
      "doc-0",
      "doc-1",
      "doc-2",
      "doc-3",
      "doc-4",
    ]);
    expect(report.failed[0]!.error).toMatchObject({ code: "unavailable" });
  });

  it("does not retry a request rejected for good (400) and says why", async () => {
    const { fake, store } = fakeElasticsearchIndex();
    fake.requestFault = (path) =>
      path.endsWith("/_bulk")
        ? responseError(400, "illegal_argument_exception", "bad bulk")
        : undefined;
    const report = await store.upsert(documents(3));
    expect(report.failed).toHaveLength(3);
    expect(report.failed[0]!.error.message).toMatch(/400.*illegal_argument_exception: bad bulk/);
    expect(bulkRequests(fake)).toHaveLength(1);
  });

  it("counts deletes of unknown ids as not deleted", async () => {
    const { store } = fakeElasticsearchIndex();
    await store.upsert(documents(3));
    expect(await store.delete(["doc-1", "nope"])).toEqual({ succeeded: 1, failed: [] });
    expect(await store.count()).toBe(2);
  });

  it("stops with aborted when the signal fires", async () => {
    const { store } = fakeElasticsearchIndex();
    const controller = new AbortController();
    controller.abort();
    await expectErrorCode(store.upsert(documents(3), { signal: controller.signal }), "aborted");
  });

  it("maps request failures during search to clear error codes", async () => {
    // The client's own retries would wait for the dead node to be resurrected: off here.
    const { fake, store } = fakeElasticsearchIndex({ searchMaxRetries: 0 });
    await store.upsert(documents(3));
    fake.requestFault = () =>
      new clientErrors.ConnectionError("connect ECONNREFUSED 127.0.0.1:9200");
    await expectErrorCode(store.retrieve("document", { topK: 3 }), "unavailable");
    fake.requestFault = () => responseError(429, "es_rejected_execution_exception", "too many");
    await expectErrorCode(store.retrieve("document", { topK: 3 }), "rate-limited");
  });
});
