import { createBm25Index } from "@hybrid-rag/bm25";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fakeElasticsearchIndex } from "./testing/fake-client.ts";

// The mock adds per-term scores in float32, Lucene (and the embedded engine, proven bit-exact
// against Lucene 8.7) in double: scores equal within 1e-6 may therefore come in either order,
// as the Lucene parity criterion allows. Everything else must be identical.
function tieGroups(hits: ReadonlyArray<{ id: string; score: number }>): string[] {
  const groups: Array<{ score: number; ids: string[] }> = [];
  for (const hit of hits) {
    const last = groups.at(-1);
    if (last && Math.abs(hit.score - last.score) <= 1e-6 * Math.abs(last.score))
      last.ids.push(hit.id);
    else groups.push({ score: hit.score, ids: [hit.id] });
  }
  return groups.map((group) => group.ids.sort().join(","));
}

// The adapter's requests (analysed title + text in one field, analyzer, k1, b, match OR) must
// reach Elasticsearch the way the embedded BM25 indexes: checked here against the mock, whose
// handlers score with Lucene's formula; the live-server version is the .int.test.
describe("Elasticsearch adapter vs embedded BM25 (on the mock)", () => {
  it("ranks a random corpus identically for both analyzers and any k1/b", async () => {
    const words = [
      "running",
      "runs",
      "the",
      "fox",
      "foxes",
      "energy",
      "solar",
      "wind",
      "cats",
      "a",
      "of",
      "price",
      "prices",
    ];
    const text = fc
      .array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 })
      .map((tokens) => tokens.join(" "));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ title: fc.option(text, { nil: undefined }), text }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.array(text, { minLength: 1, maxLength: 5 }),
        fc.constantFrom("standard" as const, "english" as const),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (records, queries, analyzer, k1, b) => {
          const documents = records.map((record, i) => ({
            id: `d${i}`,
            text: record.text,
            ...(record.title ? { title: record.title } : {}),
          }));
          const { store } = fakeElasticsearchIndex({ analyzer, k1, b, bulk: { concurrency: 1 } });
          await store.upsert(documents);
          const embedded = createBm25Index({ analyzer, k1, b });
          await embedded.upsert(documents);
          for (const query of queries) {
            const server = await store.retrieve(query, { topK: 100, includeDocuments: false });
            const local = await embedded.retrieve(query, { topK: 100, includeDocuments: false });
            expect(tieGroups(server)).toEqual(tieGroups(local));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
