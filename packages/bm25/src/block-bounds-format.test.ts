import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { expectErrorCode } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBm25Index } from "./bm25-index.ts";
import { asVersionTwo, buildIndexFile, parseIndexFile } from "./index-file.test.helper.ts";
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

/**
 * The saved index as format `version` would hold it (4: as saved; 2 and 3: sections unaligned,
 * documents as JSON lines), with `edit` applied to every block header, checksum fitting.
 */
function rewritten(version: 2 | 3 | 4, edit: (postings: Buffer, block: number) => void): Buffer {
  const parsed = parseIndexFile(saved);
  const postings = Buffer.from(parsed.sections.postings);
  // Regions are packed back to back, so the whole section is a run of blocks.
  for (
    let block = 0;
    block < postings.length;
    block += blockHeaderBytes + blockPayloadBytes(postings, block)
  ) {
    edit(postings, block);
  }
  const current = buildIndexFile(4, parsed.header, { ...parsed.sections, postings });
  if (version === 4) return current;
  const legacy = asVersionTwo(current);
  legacy.writeUInt32LE(version, 8);
  legacy.writeUInt32LE(crc32(legacy.subarray(0, legacy.length - 4)), legacy.length - 4);
  return legacy;
}

describe("block score bounds in the saved format", () => {
  it("writes format 4", () => {
    expect(formatVersion).toBe(4);
    expect(saved.readUInt32LE(8)).toBe(4);
  });

  it("loads a format-2 file (no bounds in its headers): same results, saved again as the same format-4 bytes", async () => {
    const versionTwo = rewritten(2, (postings, block) => {
      // Format 2 had a u32 payload length there: its two high bytes were always 0.
      postings[block + 2] = 0;
      postings[block + 3] = 0;
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

  it.each([3, 4] as const)(
    "rejects a format-%i file whose block bounds are lower than its postings (hits would be lost)",
    async (version) => {
      let edited = false;
      const wrong = rewritten(version, (postings, block) => {
        if (edited || postings[block + 2]! < 2) return;
        postings[block + 2] = postings[block + 2]! - 1;
        edited = true;
      });
      expect(edited).toBe(true);
      const path = join(folder, `wrong-bounds-${version}.bm25`);
      await writeFile(path, wrong);
      await expectErrorCode(loadBm25Index(path), "corrupt-data");
      await expect(loadBm25Index(path)).rejects.toThrow(/score bounds do not match its postings/);
    },
  );

  it("loads a format-3 file (unaligned, JSON-lines documents): same results", async () => {
    const path = join(folder, "version-3.bm25");
    await writeFile(
      path,
      rewritten(3, () => {}),
    );
    const loaded = await loadBm25Index(path);
    const fresh = await loadBm25Index(join(folder, "current.bm25"));
    for (const query of queries) {
      expect(await loaded.retrieve(query, { topK: 20 })).toEqual(
        await fresh.retrieve(query, { topK: 20 }),
      );
    }
  });
});
