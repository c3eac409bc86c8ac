import type { Document, Embedder, IndexProgressEvent } from "@hybrid-rag/core";
import { expectErrorCode, HashingEmbedder } from "@hybrid-rag/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VectorMetric } from "./metric.ts";
import { createVectorIndex } from "./vector-index.ts";

/** Returns the vectors it is given, so tests control geometry exactly. */
class TableEmbedder implements Embedder {
  readonly name = "table";
  readonly dimension: number;
  readonly #vectors: Map<string, number[]>;
  constructor(vectors: Record<string, number[]>) {
    this.#vectors = new Map(Object.entries(vectors));
    this.dimension = Object.values(vectors)[0]!.length;
  }
  async embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    return this.embedPassages(texts);
  }
  async embedPassages(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) =>
      Float32Array.from(this.#vectors.get(text) ?? new Array(this.dimension).fill(Number.NaN)),
    );
  }
}

function bruteForce(vectors: number[][], query: number[], metric: VectorMetric): number[] {
  const norm = (v: number[]) => Math.hypot(...v) || 1;
  const score = (v: number[]) => {
    if (metric === "l2") return -Math.hypot(...v.map((x, i) => x - query[i]!));
    const dot = v.reduce((sum, x, i) => sum + x * query[i]!, 0);
    return metric === "dot" ? dot : dot / norm(v) / norm(query);
  };
  return vectors.map(score);
}

describe("createVectorIndex", () => {
  it("matches a brute-force scan for every metric (property)", async () => {
    const vector = fc.array(fc.float({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true }), {
      minLength: 5,
      maxLength: 5,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(vector, { minLength: 1, maxLength: 40 }),
        vector,
        fc.constantFrom<VectorMetric>("cosine", "dot", "l2"),
        fc.integer({ min: 1, max: 50 }),
        async (vectors, query, metric, topK) => {
          const table = Object.fromEntries(vectors.map((v, i) => [`d${i}`, v]));
          const index = createVectorIndex({
            embedder: new TableEmbedder({ ...table, q: query }),
            metric,
          });
          await index.upsert(
            vectors.map((_, i) => ({
              id: `d${i}`,
              text: `d${i}`,
              metadata: { even: i % 2 === 0 },
            })),
          );
          const hits = index.searchByVector(Float32Array.from(query), { topK });
          const expected = bruteForce(vectors, query, metric);
          expect(hits).toHaveLength(Math.min(topK, vectors.length));
          for (const hit of hits) {
            expect(hit.score).toBeCloseTo(expected[Number(hit.id.slice(1))]!, 4);
          }
          const best = Math.max(...expected);
          expect(hits[0]!.score).toBeCloseTo(best, 4);
          // The filtered path scores with the same kernel: identical scores, same order.
          const filtered = index.searchByVector(Float32Array.from(query), {
            topK,
            filter: { even: true },
          });
          const evenHits = hits.filter((hit) => Number(hit.id.slice(1)) % 2 === 0);
          expect(filtered.slice(0, evenHits.length).map((hit) => [hit.id, hit.score])).toEqual(
            evenHits.map((hit) => [hit.id, hit.score]),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("reports embedder failures and bad vectors per document, keeping the rest", async () => {
    const index = createVectorIndex({
      embedder: new TableEmbedder({ a: [1, 0], b: [0, 1] }),
      embedBatchSize: 1,
    });
    const report = await index.upsert([
      { id: "a", text: "a" },
      { id: "nan", text: "unknown text" },
      { id: "b", text: "b" },
    ]);
    expect(report.succeeded).toBe(2);
    expect(report.failed.map((failure) => [failure.id, failure.index])).toEqual([["nan", 1]]);
    expect(report.failed[0]!.error.message).toMatch(/not finite/);

    const failing: Embedder = {
      name: "down",
      dimension: 2,
      embedQueries: async () => [],
      embedPassages: async () => {
        throw new Error("connection refused");
      },
    };
    const down = createVectorIndex({ embedder: failing });
    const downReport = await down.upsert([{ id: "x", text: "x" }]);
    expect(downReport.succeeded).toBe(0);
    expect(downReport.failed[0]!.error.message).toMatch(/connection refused/);
  });

  it("emits index-progress per embedding batch", async () => {
    const index = createVectorIndex({ embedder: new HashingEmbedder(16), embedBatchSize: 2 });
    const events: IndexProgressEvent[] = [];
    index.events.on("index-progress", (event) => events.push(event));
    const documents: Document[] = Array.from({ length: 5 }, (_, i) => ({
      id: `${i}`,
      text: `t ${i}`,
    }));
    await index.upsert(documents);
    expect(events.map((event) => [event.done, event.total])).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(events.every((event) => event.index === "dense" && event.failed === 0)).toBe(true);
  });

  it("keeps search exact across many deletes and re-inserts", async () => {
    const embedder = new HashingEmbedder(32);
    const index = createVectorIndex({ embedder, initialCapacity: 2 });
    const documents = Array.from({ length: 60 }, (_, i) => ({
      id: `doc-${i}`,
      text: `word${i} shared`,
    }));
    await index.upsert(documents);
    await index.delete(documents.filter((_, i) => i % 3 === 0).map((document) => document.id));
    await index.upsert([{ id: "doc-0", text: "word0 back again" }]);
    expect(await index.count()).toBe(41);
    for (const id of ["doc-0", "doc-1", "doc-59", "doc-58"]) {
      const text = id === "doc-0" ? "word0 back again" : documents.find((d) => d.id === id)!.text;
      const [hit] = await index.retrieve(text, { topK: 1 });
      expect(hit?.id).toBe(id);
    }
    const all = await index.retrieve("shared", { topK: 100 });
    expect(all.map((hit) => hit.id)).not.toContain("doc-3");
    expect(new Set(all.map((hit) => hit.id)).size).toBe(41);
  });

  it("rejects bad options and mismatched query vectors clearly", async () => {
    expect(() =>
      createVectorIndex({ embedder: new HashingEmbedder(8), metric: "manhattan" as "l2" }),
    ).toThrow(/metric/);
    expect(() => createVectorIndex({} as never)).toThrow(/embedder/);
    const index = createVectorIndex({ embedder: new HashingEmbedder(8) });
    await index.upsert([{ id: "a", text: "a" }]);
    expect(() => index.searchByVector(new Float32Array(3), { topK: 1 })).toThrow(/3 dimensions/);
    await expectErrorCode(index.delete("a" as never), "invalid-argument");
  });
});
