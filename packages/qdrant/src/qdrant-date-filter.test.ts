import { matchesMetadataFilter } from "@hybrid-rag/core";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQdrantIndex } from "./qdrant-index.ts";
import { QdrantStub } from "./testing/qdrant-stub.ts";

// Date-range filters through the adapter, against the stub that validates every request with
// Qdrant's published OpenAPI document: the request must conform and select what core selects.
const stub = new QdrantStub();
let url = "";
beforeAll(async () => {
  url = await stub.start();
});
afterAll(async () => {
  await stub.close();
});

const documents = [
  { id: "jan", text: "solar report", metadata: { published: "2024-01-15T08:00:00Z" } },
  { id: "feb", text: "solar report", metadata: { published: "2024-02-15T08:00:00Z" } },
  { id: "mar", text: "solar report", metadata: { published: "2024-03-15T08:00:00Z" } },
];

describe("Qdrant date-range filters", () => {
  it("send range with RFC 3339 bounds the spec accepts, and match what core's filter matches", async () => {
    const index = createQdrantIndex({
      url,
      collection: "dates",
      embedder: new HashingEmbedder(16),
    });
    await index.upsert(documents);
    const filter = { published: { gte: "2024-02-01", lt: "2024-03-15T08:00:00Z" } };
    const hits = await index.retrieve("solar report", { topK: 10, filter });
    expect(hits.map((hit) => hit.id)).toEqual(["feb"]);
    expect(
      documents
        .filter((document) => matchesMetadataFilter(document.metadata, filter))
        .map((document) => document.id),
    ).toEqual(["feb"]);
    const query = stub.requests.find((request) => request.path.endsWith("/points/query"));
    expect(JSON.stringify(query?.body)).toContain(
      '"range":{"gte":"2024-02-01T00:00:00Z","lt":"2024-03-15T08:00:00Z"}',
    );
    expect(stub.violations).toEqual([]);
  });

  it("refuses the old datetime_range form with 400, as a spec violation", async () => {
    const response = await fetch(`${url}/collections/dates/points/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: Array.from({ length: 16 }, () => 0.1),
        filter: {
          must: [{ key: "metadata.published", datetime_range: { gte: "2024-02-01T00:00:00Z" } }],
        },
      }),
    });
    expect(response.status).toBe(400);
    expect(stub.violations.join("\n")).toMatch(/datetime_range/);
  });
});
