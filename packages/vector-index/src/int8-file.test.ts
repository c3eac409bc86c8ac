import { mkdtempSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { HybridRagError } from "@hybrid-rag/core";
import { afterAll, describe, expect, it } from "vitest";
import { clusteredRows, rowsEmbedder } from "./clustered-rows.test.helper.ts";
import { loadVectorIndex } from "./load-vector-index.ts";
import { createVectorIndex, type VectorIndex } from "./vector-index.ts";

const folder = mkdtempSync(join(tmpdir(), "int8-file-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const dimension = 40; // not a multiple of 32: the int8 rows are padded in memory, packed on disk
const rows = clusteredRows(600, dimension, 5);
const queries = clusteredRows(20, dimension, 6);
const embedder = rowsEmbedder(rows, queries);
const documents = rows.map((_, i) => ({ id: `d${i}`, text: `${i}` }));
const int8 = { quantization: "int8", rescoreCandidates: 12 } as const;

async function hitsOf(index: VectorIndex): Promise<string[][]> {
  const all: string[][] = [];
  for (let q = 0; q < queries.length; q++) {
    all.push((await index.retrieve(`${q}`, { topK: 5 })).map((hit) => `${hit.id}:${hit.score}`));
  }
  return all;
}

async function savedInt8(name: string): Promise<{ index: VectorIndex; path: string }> {
  const index = createVectorIndex({ embedder, metric: "l2", ...int8 });
  await index.upsert(documents);
  await index.delete(["d3", "d77"]);
  const path = join(folder, name);
  await index.save(path);
  return { index, path };
}

/** The int8 section of a saved file: [start, end) after the float32 vectors. */
function int8Section(file: Buffer): { start: number; end: number } {
  const count = file.readUInt32LE(20);
  const start = Number(file.readBigUInt64LE(40)) + count * dimension * 4;
  return { start, end: file.length - 4 };
}

describe("int8 rows in the file", () => {
  it("are read back (same candidates as the saved index), or skipped when loading without int8", async () => {
    const { index, path } = await savedInt8("stored.hrvi");
    expect((await readFile(path)).readUInt32LE(24) & 4).toBe(4);
    const loaded = await loadVectorIndex(path, { embedder, ...int8 });
    expect(await hitsOf(loaded)).toEqual(await hitsOf(index));
    const exact = await loadVectorIndex(path, { embedder });
    const reference = createVectorIndex({ embedder, metric: "l2" });
    await reference.upsert(documents);
    await reference.delete(["d3", "d77"]);
    expect(await hitsOf(exact)).toEqual(await hitsOf(reference));
  });

  it("are rebuilt when the file has none (saved without quantisation)", async () => {
    const { index } = await savedInt8("unused.hrvi");
    const plain = createVectorIndex({ embedder, metric: "l2" });
    await plain.upsert(documents);
    await plain.delete(["d3", "d77"]);
    const path = join(folder, "plain.hrvi");
    await plain.save(path);
    const loaded = await loadVectorIndex(path, { embedder, ...int8 });
    expect(await hitsOf(loaded)).toEqual(await hitsOf(index));
  });

  it("refuses a damaged int8 section when it is used, and never reads it otherwise", async () => {
    const { path } = await savedInt8("damaged.hrvi");
    const file = await readFile(path);
    const { start } = int8Section(file);
    file[start + 5]! ^= 0x40;
    await writeFile(path, file);
    const error = await loadVectorIndex(path, { embedder, ...int8 }).catch((caught) => caught);
    expect(HybridRagError.isInstance(error) && error.code).toBe("corrupt-data");
    expect(error.message).toMatch(/checksum of its int8 rows does not match/);
    expect(await (await loadVectorIndex(path, { embedder })).count()).toBe(598);
  });

  it("refuses per-row values no quantisation produces, even with a fixed-up checksum", async () => {
    const { path } = await savedInt8("hostile.hrvi");
    const file = await readFile(path);
    const { start } = int8Section(file);
    const count = file.readUInt32LE(20);
    const scales = start + count * dimension; // count × 40 is a multiple of 4: no padding
    file.writeFloatLE(Number.NaN, scales + 4 * 2);
    const section = file.subarray(start, int8Section(file).end);
    file.writeUInt32LE(crc32(section), 48);
    // The header is covered by the file's own checksum: fix that one too.
    const body = Buffer.concat([
      file.subarray(0, start),
      file.subarray(int8Section(file).end, file.length - 4),
    ]);
    file.writeUInt32LE(crc32(body), file.length - 4);
    await writeFile(path, file);
    const error = await loadVectorIndex(path, { embedder, ...int8 }).catch((caught) => caught);
    expect(error.code).toBe("corrupt-data");
    expect(error.message).toMatch(/int8 row 2 has scale NaN/);
  });
});
