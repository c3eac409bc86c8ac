import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBm25Index } from "./bm25-index.ts";
import { loadBm25Index } from "./load-bm25-index.ts";
import { formatVersion } from "./persistence.ts";
import { blockHeaderBytes, blockPayloadBytes } from "./postings-codec.ts";

const words = ["solar", "wind", "power", "grid", "storage", "cell", "panel", "turbine"];
/** 400 documents: the frequent words' postings span several blocks; lengths and counts vary. */
const documents = Array.from({ length: 400 }, (_, i) => ({
  id: `d${i}`,
  text: Array.from({ length: 3 + (i % 17) }, (_, j) => words[(i * 7 + j * j) % words.length]).join(
    " ",
  ),
}));
const queries = ["solar power", "wind turbine storage", "grid", "cell panel solar wind"];

let folder = "";
let saved: Buffer;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "bm25-block-bounds-"));
  const index = createBm25Index();
  await index.upsert(documents);
  await index.save(join(folder, "current.bm25"));
  saved = await readFile(join(folder, "current.bm25"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Where the postings section of a saved file lies. */
function postingsSection(file: Buffer): { start: number; end: number } {
  const headerLength = file.readUInt32LE(12);
  const header = JSON.parse(file.toString("utf8", 16, 16 + headerLength));
  const start =
    16 + headerLength + header.documentsBytes + header.termsBytes + header.termCount * 4;
  return { start, end: start + header.postingsBytes };
}

/** `file` with its version set and `edit` applied to every block header, checksum fixed up. */
function rewritten(version: number, edit: (file: Buffer, block: number) => void): Buffer {
  const file = Buffer.from(saved);
  file.writeUInt32LE(version, 8);
  const { start, end } = postingsSection(file);
  // Regions are packed back to back, so the whole section is a run of blocks.
  for (let block = start; block < end; block += blockHeaderBytes + blockPayloadBytes(file, block)) {
    edit(file, block);
  }
  file.writeUInt32LE(crc32(file.subarray(0, file.length - 4)), file.length - 4);
  return file;
}

describe("block score bounds in the saved format", () => {
  it("writes format 3", () => {
    expect(formatVersion).toBe(3);
    expect(saved.readUInt32LE(8)).toBe(3);
  });

  it("loads a format-2 file (no bounds in its headers): same results, saved again as the same format-3 bytes", async () => {
    const versionTwo = rewritten(2, (file, block) => {
      // Format 2 had a u32 payload length there: its two high bytes were always 0.
      file[block + 2] = 0;
      file[block + 3] = 0;
    });
    const path = join(folder, "version-2.bm25");
    await writeFile(path, versionTwo);
    const loaded = await loadBm25Index(path);
    const fresh = await loadBm25Index(join(folder, "current.bm25"));
    for (const query of queries) {
      expect(await loaded.retrieve(query, { topK: 20 })).toEqual(
        await fresh.retrieve(query, { topK: 20 }),
      );
    }
    const upgraded = join(folder, "upgraded.bm25");
    await loaded.save(upgraded);
    expect((await readFile(upgraded)).equals(saved)).toBe(true);
  });

  it("rejects a format-3 file whose block bounds are lower than its postings (hits would be lost)", async () => {
    let edited = false;
    const wrong = rewritten(3, (file, block) => {
      if (edited || file[block + 2]! < 2) return;
      file[block + 2] = file[block + 2]! - 1;
      edited = true;
    });
    expect(edited).toBe(true);
    const path = join(folder, "wrong-bounds.bm25");
    await writeFile(path, wrong);
    await expectErrorCode(loadBm25Index(path), "corrupt-data");
    await expect(loadBm25Index(path)).rejects.toThrow(/score bounds do not match its postings/);
  });
});
