import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@elastic/elasticsearch";
import type { Document } from "@hybrid-rag/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createElasticsearchIndex } from "./elasticsearch-index.ts";

type Fault = "reset" | "hang" | 429 | 503 | undefined;

/**
 * A loopback HTTP server answering the few Elasticsearch endpoints ingestion uses, so faults
 * happen on real sockets: connections destroyed mid-request, requests never answered (client
 * timeouts), 429 and 503 answers. `fault(attempt)` picks the fault for each _bulk request.
 */
class FlakyElasticsearch {
  readonly stored = new Map<string, unknown>();
  bulkRequests = 0;
  fault: (bulkRequest: number) => Fault = () => undefined;
  readonly #server: Server;

  constructor() {
    this.#server = createServer(async (request, response) => {
      let body = "";
      for await (const chunk of request) body += chunk;
      const reply = (status: number, payload: unknown) => {
        const text = JSON.stringify(payload);
        response.writeHead(status, {
          "content-type": "application/json",
          "x-elastic-product": "Elasticsearch",
        });
        response.end(request.method === "HEAD" ? undefined : text);
      };
      const path = new URL(request.url ?? "/", "http://loopback").pathname;
      if (path.endsWith("/_bulk")) {
        const fault = this.fault(this.bulkRequests++);
        if (fault === "reset") return request.socket.destroy();
        if (fault === "hang") return;
        if (typeof fault === "number")
          return reply(fault, { error: { type: "injected", reason: "fault" }, status: fault });
        const lines = body
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, { _id: string }>);
        const items = [];
        for (let i = 0; i < lines.length; i += 2) {
          const id = lines[i]!.index!._id;
          this.stored.set(id, lines[i + 1]);
          items.push({ index: { _id: id, status: 201, result: "created" } });
        }
        return reply(200, { took: 1, errors: false, items });
      }
      if (request.method === "HEAD") return reply(200, {});
      if (path.endsWith("/_refresh"))
        return reply(200, { _shards: { total: 1, successful: 1, failed: 0 } });
      if (path.endsWith("/_count")) return reply(200, { count: this.stored.size });
      return reply(404, { error: { type: "not_found", reason: path }, status: 404 });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    // Hung requests (injected timeouts) would keep close() waiting: drop every connection.
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe("bulk ingestion over real sockets", () => {
  const server = new FlakyElasticsearch();
  let node = "";
  beforeAll(async () => {
    node = await server.start();
  });
  afterAll(() => server.close());

  const documents: Document[] = Array.from({ length: 60 }, (_, i) => ({
    id: `doc-${i}`,
    text: `text ${i}`,
  }));

  it("indexes everything through resets, hung requests and 429/503 bursts", async () => {
    // The first ten _bulk requests fail, in a repeating pattern of every kind of fault.
    const pattern: Fault[] = ["reset", "hang", 429, 503, 429];
    server.fault = (request) => (request < 10 ? pattern[request % pattern.length] : undefined);
    const client = new Client({ node });
    const store = createElasticsearchIndex({
      client,
      index: "flaky",
      requestTimeoutMs: 250,
      bulk: {
        maxDocuments: 10,
        concurrency: 2,
        maxRetries: 8,
        initialBackoffMs: 1,
        maxBackoffMs: 5,
      },
    });
    const report = await store.upsert(documents);
    expect(report).toEqual({ succeeded: 60, failed: [] });
    expect(server.stored.size).toBe(60);
    expect(server.bulkRequests).toBeGreaterThanOrEqual(16);
    await client.close();
  });

  it("reports every document when the server keeps failing", async () => {
    server.stored.clear();
    server.fault = () => "reset";
    const client = new Client({ node });
    const store = createElasticsearchIndex({
      client,
      index: "down",
      bulk: { maxDocuments: 25, maxRetries: 2, initialBackoffMs: 1, maxBackoffMs: 5 },
    });
    const report = await store.upsert(documents);
    expect(report.succeeded).toBe(0);
    expect(report.failed.map((failure) => failure.index)).toEqual(documents.map((_, i) => i));
    expect(
      report.failed.every((failure) => /cannot reach Elasticsearch/.test(failure.error.message)),
    ).toBe(true);
    await client.close();
  });
});
