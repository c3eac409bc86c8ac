import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fakeElasticsearchIndex } from "./testing/fake-client.ts";

// What the adapter sends is what makes Elasticsearch score like the embedded BM25: the analyzer,
// BM25 k1/b on one shard, title + text in one analysed field, a match query with operator OR.
// These tests check those requests; that Lucene then scores exactly like @hybrid-rag/bm25 is
// proven by its Lucene oracle tests (and against a live server by the .int.test). The fake's
// own scoring is independent of @hybrid-rag/bm25 and is not compared with it.
const word = fc.constantFrom("running", "the", "fox", "Energy", "solar", "café", "of", "prices");
const text = fc.array(word, { minLength: 1, maxLength: 8 }).map((words) => words.join(" "));

describe("Elasticsearch adapter requests", () => {
  it("creates the index with the analyzer, BM25 k1/b and one shard; bulk-writes title + text as content; searches with match OR", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ title: fc.option(text, { nil: undefined }), text }), {
          minLength: 1,
          maxLength: 6,
        }),
        text,
        fc.constantFrom("standard" as const, "english" as const),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (records, query, analyzer, k1, b) => {
          const documents = records.map((record, i) => ({
            id: `d${i}`,
            text: record.text,
            ...(record.title ? { title: record.title } : {}),
            metadata: { year: 2000 + i },
          }));
          const { fake, store } = fakeElasticsearchIndex({
            analyzer,
            k1,
            b,
            bulk: { concurrency: 1 },
          });
          await store.upsert(documents);
          await store.retrieve(query, { topK: 7, filter: { year: { gte: 2001 } } });

          const create = fake.requests.find((request) => request.method === "PUT");
          expect(create?.path).toBe("/test");
          expect(create?.body).toMatchObject({
            settings: {
              number_of_shards: 1,
              similarity: { hybrid_rag_bm25: { type: "BM25", k1, b } },
            },
            mappings: {
              properties: {
                content: { type: "text", analyzer, similarity: "hybrid_rag_bm25" },
                id: { type: "keyword" },
              },
            },
          });

          const lines = fake.requests
            .filter((request) => request.path === "/test/_bulk")
            .flatMap((request) => request.body as Array<Record<string, unknown>>);
          expect(lines).toHaveLength(documents.length * 2);
          documents.forEach((document, index) => {
            expect(lines[index * 2]).toEqual({ index: { _id: document.id } });
            expect(lines[index * 2 + 1]).toEqual({
              id: document.id,
              text: document.text,
              ...(document.title ? { title: document.title } : {}),
              content: document.title ? `${document.title} ${document.text}` : document.text,
              metadata: document.metadata,
            });
          });

          const search = fake.requests.find((request) => request.path === "/test/_search");
          expect(search?.body).toMatchObject({
            size: 7,
            query: {
              bool: {
                must: { match: { content: { query, operator: "or" } } },
                filter: [{ range: { "metadata.year": { gte: 2001 } } }],
              },
            },
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it("returns the server's hits in its order with its scores (the fake's independent BM25)", async () => {
    const { fake, store } = fakeElasticsearchIndex({ analyzer: "english" });
    await store.upsert([
      { id: "a", text: "solar panels and solar farms" },
      { id: "b", text: "wind farms" },
      { id: "c", text: "the price of coffee" },
    ]);
    const hits = await store.retrieve("solar farms", { topK: 10 });
    expect(hits.map((hit) => hit.id)).toEqual(["a", "b"]);
    expect(hits.map((hit) => hit.rank)).toEqual([1, 2]);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[0]!.sources[store.name]).toMatchObject({
      status: "found",
      rank: 1,
      score: hits[0]!.score,
    });
    expect(fake.requests.at(-1)?.path).toBe("/test/_search");
  });
});
