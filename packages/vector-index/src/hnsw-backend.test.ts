import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashingEmbedder, runRetrieverContract } from "@hybrid-rag/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { clusteredRows, rowsEmbedder } from "./clustered-rows.test.helper.ts";
import { loadVectorIndex } from "./load-vector-index.ts";
import { createVectorIndex } from "./vector-index.ts";

for (const metric of ["cosine", "dot", "l2"] as const) {
  runRetrieverContract({
    name: `vector index, HNSW backend (${metric})`,
    create: async () => {
      const index = createVectorIndex({
        embedder: new HashingEmbedder(256),
        metric,
        backend: "hnsw",
        hnsw: { candidates: 1 },
      });
      return { retriever: index, index };
    },
  });
}

const folder = mkdtempSync(join(tmpdir(), "hnsw-test-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("HNSW backend", () => {
  const rows = clusteredRows(3000, 48, 1);
  const queries = clusteredRows(40, 48, 2);
  const embedder = rowsEmbedder(rows, queries);
  const documents = rows.map((_, i) => ({
    id: `d${i}`,
    text: `${i}`,
    metadata: { bucket: i % 10, half: i % 2 },
  }));

  async function pair() {
    const exact = createVectorIndex({ embedder });
    const hnsw = createVectorIndex({ embedder, backend: "hnsw" });
    for (const index of [exact, hnsw]) {
      await index.upsert(documents);
      await index.delete(documents.filter((_, i) => i % 9 === 4).map((document) => document.id));
    }
    return { exact, hnsw };
  }

  it("finds ≥ 95 % of the exact top-10, with exact scores, and never a deleted document", async () => {
    const { exact, hnsw } = await pair();
    let found = 0;
    for (let q = 0; q < queries.length; q++) {
      const truth = new Map(
        (await exact.retrieve(`${q}`, { topK: 10 })).map((h) => [h.id, h.score]),
      );
      for (const hit of await hnsw.retrieve(`${q}`, { topK: 10 })) {
        expect(Number(hit.id.slice(1)) % 9).not.toBe(4);
        if (!truth.has(hit.id)) continue;
        found++;
        expect(hit.score).toBe(truth.get(hit.id));
      }
    }
    expect(found / (10 * queries.length)).toBeGreaterThanOrEqual(0.95);
  });

  it("applies filters correctly: selective ones exactly, broad ones by post-filtering", async () => {
    const { exact, hnsw } = await pair();
    let found = 0;
    for (let q = 0; q < queries.length; q++) {
      const selective = { topK: 10, filter: { bucket: 3 } };
      expect(await hnsw.retrieve(`${q}`, selective)).toEqual(
        await exact.retrieve(`${q}`, selective),
      );
      const broad = { topK: 10, filter: { half: 1 } };
      const hits = await hnsw.retrieve(`${q}`, broad);
      expect(hits).toHaveLength(10);
      expect(hits.every((hit) => hit.document?.metadata?.half === 1)).toBe(true);
      const truth = new Set((await exact.retrieve(`${q}`, broad)).map((hit) => hit.id));
      found += hits.filter((hit) => truth.has(hit.id)).length;
    }
    expect(found / (10 * queries.length)).toBeGreaterThanOrEqual(0.95);
  });

  it("builds a graph when loading a file saved without one (by an exact index)", async () => {
    const { exact, hnsw } = await pair();
    const path = join(folder, "exact.hrvi");
    await exact.save(path);
    const loaded = await loadVectorIndex(path, { embedder, backend: "hnsw" });
    expect(await loaded.count()).toBe(await hnsw.count());
    const before = (await hnsw.retrieve("0", { topK: 10 })).map((hit) => hit.id);
    const after = (await loaded.retrieve("0", { topK: 10 })).map((hit) => hit.id);
    expect(after.filter((id) => before.includes(id)).length).toBeGreaterThanOrEqual(9);
  });
});
