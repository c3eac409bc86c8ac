import { mkdtempSync, rmSync } from "node:fs";
import { copyFile, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { clusteredRows, rowsEmbedder } from "./clustered-rows.test.helper.ts";
import { loadVectorIndex } from "./load-vector-index.ts";
import { createVectorIndex, type VectorIndex } from "./vector-index.ts";

const folder = mkdtempSync(join(tmpdir(), "hnsw-graph-file-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const rows = clusteredRows(1500, 32, 3);
const queries = clusteredRows(30, 32, 4);
const embedder = rowsEmbedder(rows, queries);
const documents = rows.map((_, i) => ({ id: `d${i}`, text: `${i}`, metadata: { odd: i % 2 } }));

/** A small search beam, so which neighbours are found depends on the graph's exact shape. */
const hnsw = { buildThreads: 1, expansionSearch: 12, candidates: 10 };

/** An HNSW index after deletes and updates, so its graph keys are no longer 0…n−1. */
async function builtIndex(): Promise<VectorIndex> {
  const index = createVectorIndex({ embedder, backend: "hnsw", hnsw });
  await index.upsert(documents);
  await index.delete(documents.filter((_, i) => i % 7 === 3).map((document) => document.id));
  await index.upsert(documents.slice(0, 100)); // re-adds some deleted ones, updates the rest
  return index;
}

async function graphFiles(prefix: string): Promise<string[]> {
  return (await readdir(folder)).filter(
    (name) => name.startsWith(prefix) && name.endsWith(".hnsw"),
  );
}

async function hitsOf(index: VectorIndex): Promise<string[][]> {
  const all: string[][] = [];
  for (let q = 0; q < queries.length; q++) {
    all.push((await index.retrieve(`${q}`, { topK: 10 })).map((hit) => `${hit.id}:${hit.score}`));
  }
  return all;
}

describe("the HNSW graph saved beside the index file", () => {
  it("is read back, not rebuilt: the same candidates, the same hits, and it keeps working", async () => {
    const index = await builtIndex();
    const path = join(folder, "kept.hrvi");
    await index.save(path);
    expect(await graphFiles("kept.hrvi.")).toHaveLength(1);
    const loaded = await loadVectorIndex(path, { embedder, backend: "hnsw", hnsw });
    expect(await loaded.count()).toBe(await index.count());
    expect(await hitsOf(loaded)).toEqual(await hitsOf(index));
    // A graph rebuilt from the same vectors (in slot order) finds other approximate hits.
    const [graph] = await graphFiles("kept.hrvi.");
    await rm(join(folder, graph!));
    const rebuilt = await loadVectorIndex(path, { embedder, backend: "hnsw", hnsw });
    expect(await hitsOf(rebuilt)).not.toEqual(await hitsOf(index));
    // Keys continue after the saved ones: a new document, an update and a delete all work.
    await loaded.upsert([{ id: "new", text: "7" }]);
    await loaded.upsert([{ id: "d8", text: "9" }]);
    await loaded.delete(["d9"]);
    const near7 = await loaded.searchByVector(rows[7]!, { topK: 3 });
    expect(near7.map((hit) => hit.id)).toEqual(expect.arrayContaining(["new", "d7"]));
    const near9 = (await loaded.searchByVector(rows[9]!, { topK: 3 })).map((hit) => hit.id);
    expect(near9).toContain("d8");
    expect(near9).not.toContain("d9");
  });

  it("replaces the previous save's graph, and an exact save of the same path removes it", async () => {
    const index = await builtIndex();
    const path = join(folder, "replaced.hrvi");
    await index.save(path);
    const first = await graphFiles("replaced.hrvi.");
    await writeFile(join(folder, "replaced.hrvi.0123456789ab.hnsw"), "orphan of a killed save");
    await index.save(path);
    const second = await graphFiles("replaced.hrvi.");
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    const exact = createVectorIndex({ embedder });
    await exact.upsert(documents.slice(0, 10));
    await exact.save(path);
    expect(await graphFiles("replaced.hrvi.")).toEqual([]);
  });

  it("is refused with corrupt-data when it is not the one saved with the file", async () => {
    const index = await builtIndex();
    const path = join(folder, "swapped.hrvi");
    await index.save(path);
    const [graph] = await graphFiles("swapped.hrvi.");
    const other = createVectorIndex({ embedder, backend: "hnsw" });
    await other.upsert(documents.slice(0, 50));
    await other.save(join(folder, "other.hrvi"));
    const [otherGraph] = await graphFiles("other.hrvi.");
    await copyFile(join(folder, otherGraph!), join(folder, graph!));
    await expect(loadVectorIndex(path, { embedder, backend: "hnsw" })).rejects.toThrow(
      /is not the HNSW graph saved with .*swapped\.hrvi .*Delete it to rebuild the graph/,
    );
    const damaged = await readFile(join(folder, otherGraph!));
    damaged[damaged.length - 3]! ^= 0xff;
    await writeFile(join(folder, otherGraph!), damaged);
    await expectErrorCode(
      loadVectorIndex(join(folder, "other.hrvi"), { embedder, backend: "hnsw" }),
      "corrupt-data",
    );
    // The exact backend never reads the graph.
    expect(await (await loadVectorIndex(path, { embedder })).count()).toBe(await index.count());
  });

  it("is rebuilt when it is missing or was built with other settings", async () => {
    const index = await builtIndex();
    const path = join(folder, "rebuilt.hrvi");
    await index.save(path);
    const [graph] = await graphFiles("rebuilt.hrvi.");
    await writeFile(join(folder, graph!), "damaged, but not read: other settings");
    const otherSettings = await loadVectorIndex(path, {
      embedder,
      backend: "hnsw",
      hnsw: { connectivity: 8 },
    });
    expect(await otherSettings.count()).toBe(await index.count());
    await rm(join(folder, graph!));
    const missing = await loadVectorIndex(path, { embedder, backend: "hnsw" });
    const hits = await missing.retrieve("0", { topK: 10 });
    const exact = await (await loadVectorIndex(path, { embedder })).retrieve("0", { topK: 10 });
    expect(hits.filter((hit) => exact.some((e) => e.id === hit.id)).length).toBeGreaterThan(8);
  });
});
