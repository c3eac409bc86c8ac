import type { Embedder } from "@hybrid-rag/core";
import { mulberry32 } from "@hybrid-rag/core/internal";
import { HashingEmbedder, runRetrieverContract } from "@hybrid-rag/core/testing";
import { describe, expect, it } from "vitest";
import type { VectorMetric } from "./metric.ts";
import { createVectorIndex } from "./vector-index.ts";

for (const metric of ["cosine", "dot", "l2"] as const) {
  runRetrieverContract({
    name: `vector index, int8 quantised (${metric})`,
    create: async () => {
      // One rescored candidate per 4 × topK: the int8 scan picks the candidates whenever the
      // index holds more documents than that.
      const index = createVectorIndex({
        embedder: new HashingEmbedder(256),
        metric,
        quantization: "int8",
        rescoreCandidates: 1,
      });
      return { retriever: index, index };
    },
  });
}

/** Gaussian rows (not normalised, so dot and l2 see different lengths). */
function gaussianRows(count: number, dimension: number, seed: number): Float32Array[] {
  const next = mulberry32(seed);
  return Array.from({ length: count }, () =>
    Float32Array.from({ length: dimension }, () => {
      const u = Math.max(next(), Number.EPSILON);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()) * (0.5 + next());
    }),
  );
}

function rowsEmbedder(rows: Float32Array[], queries: Float32Array[]): Embedder {
  return {
    name: "rows",
    dimension: rows[0]!.length,
    embedPassages: async (texts) => texts.map((text) => rows[Number(text)]!),
    embedQueries: async (texts) => texts.map((text) => queries[Number(text)]!),
  };
}

describe("int8 quantised search", () => {
  for (const metric of ["cosine", "dot", "l2"] as VectorMetric[]) {
    it(`finds ≥ 99 % of the exact top-10 with exact scores, after deletes (${metric})`, async () => {
      const rows = gaussianRows(4000, 72, 1);
      const queries = gaussianRows(60, 72, 2);
      const embedder = rowsEmbedder(rows, queries);
      const exact = createVectorIndex({ embedder, metric });
      const quantised = createVectorIndex({ embedder, metric, quantization: "int8" });
      const documents = rows.map((_, i) => ({ id: `d${i}`, text: `${i}` }));
      const deleted = documents.filter((_, i) => i % 7 === 3).map((document) => document.id);
      for (const index of [exact, quantised]) {
        await index.upsert(documents);
        await index.delete(deleted);
      }
      let found = 0;
      for (let q = 0; q < queries.length; q++) {
        const truth = await exact.retrieve(`${q}`, { topK: 10 });
        const hits = await quantised.retrieve(`${q}`, { topK: 10 });
        const truthScores = new Map(truth.map((hit) => [hit.id, hit.score]));
        for (const hit of hits) {
          if (!truthScores.has(hit.id)) continue;
          found++;
          // Candidates are rescored with the float32 kernel: the same score as exact search.
          expect(hit.score).toBe(truthScores.get(hit.id));
        }
        expect(hits.some((hit) => deleted.includes(hit.id))).toBe(false);
      }
      expect(found / (10 * queries.length)).toBeGreaterThanOrEqual(0.99);
    });
  }

  it("keeps filtered searches exact", async () => {
    const rows = gaussianRows(1000, 32, 3);
    const embedder = rowsEmbedder(rows, rows);
    const documents = rows.map((_, i) => ({
      id: `d${i}`,
      text: `${i}`,
      metadata: { even: i % 2 === 0 },
    }));
    const exact = createVectorIndex({ embedder });
    const quantised = createVectorIndex({ embedder, quantization: "int8", rescoreCandidates: 1 });
    await exact.upsert(documents);
    await quantised.upsert(documents);
    for (const q of [1, 2, 500]) {
      const options = { topK: 5, filter: { even: true } };
      expect(await quantised.retrieve(`${q}`, options)).toEqual(
        await exact.retrieve(`${q}`, options),
      );
    }
  });
});
