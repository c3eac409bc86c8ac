import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { IndexProgressEvent } from "@hybrid-rag/core";
import { expectErrorCode, runRetrieverContract } from "@hybrid-rag/core/testing";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createBm25Index } from "./bm25-index.ts";
import { InvertedIndex } from "./inverted-index.ts";
import { loadBm25Index } from "./load-bm25-index.ts";
import { formatVersion } from "./persistence.ts";
import { Searcher } from "./search.ts";
import { lengthToNorm } from "./small-float.ts";

/** A file as @hybrid-rag/bm25 wrote it in format version 1 (int32 document/frequency pairs). */
function versionOneFile(
  documents: ReadonlyArray<{ id: string; text: string }>,
  terms: readonly string[],
  postingsByTerm: ReadonlyArray<readonly number[]>,
  lengths: readonly number[],
): Buffer {
  const documentsJson = Buffer.from(JSON.stringify(documents));
  const termsJson = Buffer.from(JSON.stringify(terms));
  const postings = Int32Array.from(postingsByTerm.flat());
  const header = Buffer.from(
    JSON.stringify({
      name: "bm25",
      analyzer: "standard",
      k1: 1.2,
      b: 0.75,
      fields: ["title", "text"],
      documentCount: documents.length,
      termCount: terms.length,
      documentsBytes: documentsJson.length,
      termsBytes: termsJson.length,
      postingsInts: postings.length,
    }),
  );
  const prefix = Buffer.alloc(16);
  prefix.write("HRAGBM25", 0, "latin1");
  prefix.writeUInt32LE(1, 8);
  prefix.writeUInt32LE(header.length, 12);
  const body = Buffer.concat([
    prefix,
    header,
    documentsJson,
    termsJson,
    Buffer.from(Int32Array.from(postingsByTerm.map((list) => list.length)).buffer),
    Buffer.from(postings.buffer),
    Buffer.from(Uint8Array.from(lengths.map(lengthToNorm))),
    Buffer.from(Uint32Array.from(lengths).buffer),
  ]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, checksum]);
}

for (const analyzer of ["standard", "english"] as const) {
  runRetrieverContract({
    name: `bm25 (${analyzer})`,
    create: async () => {
      const index = createBm25Index({ analyzer });
      return { retriever: index, index };
    },
  });
}

const folder = mkdtempSync(join(tmpdir(), "bm25-test-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("Bm25Index", () => {
  it("returns [] for blank and all-stop-word queries", async () => {
    const index = createBm25Index({ analyzer: "english" });
    await index.upsert([{ id: "a", text: "the cat sat" }]);
    expect(await index.retrieve("the and of", { topK: 5 })).toEqual([]);
    expect(await index.retrieve("?!", { topK: 5 })).toEqual([]);
  });

  it("keeps statistics exact after deletes and updates (same as a fresh index)", async () => {
    const documents = Array.from({ length: 50 }, (_, i) => ({
      id: `d${i}`,
      text: `w${i % 7} w${i % 3} common ${"x ".repeat(i % 11)}`,
    }));
    const churned = createBm25Index();
    await churned.upsert(documents);
    await churned.upsert(documents.slice(0, 20).map((d) => ({ ...d, text: `${d.text} updated` })));
    await churned.delete(documents.slice(20, 30).map((d) => d.id));
    const fresh = createBm25Index();
    await fresh.upsert([
      ...documents.slice(30),
      ...documents.slice(0, 20).map((d) => ({ ...d, text: `${d.text} updated` })),
    ]);
    expect(churned.statistics()).toMatchObject({
      ...fresh.statistics(),
      terms: churned.statistics().terms,
    });
    const query = "w1 common updated x";
    expect(await churned.retrieve(query, { topK: 50 })).toEqual(
      await fresh.retrieve(query, { topK: 50 }),
    );
  });

  it("emits index-progress per batch", async () => {
    const index = createBm25Index({ batchSize: 10 });
    const events: IndexProgressEvent[] = [];
    index.events.on("index-progress", (event) => events.push(event));
    await index.upsert(Array.from({ length: 25 }, (_, i) => ({ id: `${i}`, text: "x" })));
    expect(events.map((event) => event.done)).toEqual([10, 20, 25]);
  });

  it("indexes empty and huge documents, rejects lone surrogates item by item", async () => {
    const index = createBm25Index();
    const huge = "lorem ipsum dolor ".repeat(200_000);
    const report = await index.upsert([
      { id: "empty", text: "" },
      { id: "huge", text: huge },
      { id: "bad", text: "broken \ud800 text" },
    ]);
    expect(report.succeeded).toBe(2);
    expect(report.failed.map((failure) => failure.id)).toEqual(["bad"]);
    expect(report.failed[0]?.error.message).toMatch(/lone UTF-16 surrogate/);
    expect((await index.retrieve("ipsum", { topK: 5 }))[0]?.id).toBe("huge");
    expect(await index.count()).toBe(2);
  });

  it("indexes only the configured fields, joined by one space", async () => {
    const index = createBm25Index({ fields: ["text"] });
    await index.upsert([{ id: "a", title: "volcano", text: "glacier" }]);
    expect(await index.retrieve("volcano", { topK: 5 })).toEqual([]);
    expect(index.indexedText({ id: "a", title: "t", text: "x" })).toBe("x");
    expect(createBm25Index().indexedText({ id: "a", title: "t", text: "x" })).toBe("t x");
  });

  it("ranks equal scores by write order, an update moving to the end", async () => {
    const index = createBm25Index();
    await index.upsert(["a", "b", "c"].map((id) => ({ id, text: "same words" })));
    expect((await index.retrieve("same", { topK: 3 })).map((hit) => hit.id)).toEqual([
      "a",
      "b",
      "c",
    ]);
    await index.upsert([{ id: "a", text: "same words" }]);
    expect((await index.retrieve("same", { topK: 3 })).map((hit) => hit.id)).toEqual([
      "b",
      "c",
      "a",
    ]);
  });

  it("rejects invalid options", () => {
    expect(() => createBm25Index({ k1: -1 })).toThrow(/k1/);
    expect(() => createBm25Index({ b: 2 })).toThrow(/b must be between 0 and 1/);
    expect(() => createBm25Index({ analyzer: "klingon" as "standard" })).toThrow(/analyzer/);
  });
});

describe("persistence", () => {
  it("saves and loads an index that answers identically", async () => {
    const index = createBm25Index({ analyzer: "english", k1: 0.9, b: 0.4 });
    await index.upsert([
      { id: "a", title: "Cats", text: "cats are running", metadata: { year: 2020 } },
      { id: "b", text: "dogs run" },
      { id: "c", text: "gone soon" },
    ]);
    await index.delete(["c"]);
    const path = join(folder, "index.bm25");
    await index.save(path);
    const loaded = await loadBm25Index(path);
    expect(loaded.k1).toBe(0.9);
    expect(await loaded.count()).toBe(2);
    expect(await loaded.retrieve("running cats", { topK: 5 })).toEqual(
      await index.retrieve("running cats", { topK: 5 }),
    );
    await loaded.upsert([{ id: "d", text: "cats again" }]);
    expect(await loaded.count()).toBe(3);
  });

  it("rejects corrupt, truncated, foreign and wrong-version files with clear errors", async () => {
    const index = createBm25Index();
    await index.upsert([{ id: "a", text: "hello world" }]);
    const path = join(folder, "good.bm25");
    await index.save(path);
    const bytes = readFileSync(path);
    const flipped = Buffer.from(bytes);
    flipped[30] = flipped[30]! ^ 0xff;
    writeFileSync(join(folder, "flipped.bm25"), flipped);
    await expectErrorCode(loadBm25Index(join(folder, "flipped.bm25")), "corrupt-data");
    writeFileSync(join(folder, "short.bm25"), bytes.subarray(0, bytes.length - 9));
    await expectErrorCode(loadBm25Index(join(folder, "short.bm25")), "corrupt-data");
    writeFileSync(join(folder, "foreign.bm25"), "not an index at all, just text");
    await expectErrorCode(loadBm25Index(join(folder, "foreign.bm25")), "corrupt-data");
    const future = Buffer.from(bytes);
    future.writeUInt32LE(99, 8);
    writeFileSync(join(folder, "future.bm25"), future);
    await expectErrorCode(loadBm25Index(join(folder, "future.bm25")), "unsupported");
    await expectErrorCode(loadBm25Index(join(folder, "missing.bm25")), "not-found");
  });

  it("loads a version-1 file (uncompressed postings) and saves it as version 2", async () => {
    const documents = [
      { id: "a", text: "hello world" },
      { id: "b", text: "hello there hello" },
    ];
    const path = join(folder, "version-1.bm25");
    writeFileSync(
      path,
      versionOneFile(
        documents,
        ["hello", "world", "there"],
        [
          [0, 1, 1, 2],
          [0, 1],
          [1, 1],
        ],
        [2, 3],
      ),
    );
    const loaded = await loadBm25Index(path);
    const fresh = createBm25Index();
    await fresh.upsert(documents);
    for (const query of ["hello", "world there", "hello there"]) {
      expect(await loaded.retrieve(query, { topK: 5 })).toEqual(
        await fresh.retrieve(query, { topK: 5 }),
      );
    }
    const upgraded = join(folder, "upgraded.bm25");
    await loaded.save(upgraded);
    expect(readFileSync(upgraded).readUInt32LE(8)).toBe(formatVersion);
    expect(formatVersion).toBe(3);
    expect(await (await loadBm25Index(upgraded)).retrieve("hello", { topK: 5 })).toEqual(
      await fresh.retrieve("hello", { topK: 5 }),
    );
  });

  it("reports an unwritable path and leaves no partial file", async () => {
    const index = createBm25Index();
    await index.upsert([{ id: "a", text: "hello" }]);
    await expectErrorCode(index.save(join(folder, "no-such-folder", "x.bm25")), "not-found");
    const locked = join(folder, "locked");
    rmSync(locked, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(locked));
    chmodSync(locked, 0o500);
    if (process.getuid?.() !== 0) {
      await expectErrorCode(index.save(join(locked, "x.bm25")), "permission-denied");
    }
    chmodSync(locked, 0o700);
  });

  it("needs the custom analyzer to load an index built with one", async () => {
    const analyzer = {
      name: "whitespace",
      analyze: (text: string) => text.split(/\s+/).filter(Boolean),
    };
    const index = createBm25Index({ analyzer });
    await index.upsert([{ id: "a", text: "Hello World" }]);
    const path = join(folder, "custom.bm25");
    await index.save(path);
    await expectErrorCode(loadBm25Index(path), "invalid-argument");
    const loaded = await loadBm25Index(path, { analyzer });
    expect((await loaded.retrieve("World", { topK: 1 }))[0]?.id).toBe("a");
  });
});

describe("pruning never changes results", () => {
  it("MaxScore top-k equals exhaustive scoring on random corpora", () => {
    let prunedRuns = 0;
    const word = fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l");
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(word, word, fc.constantFrom("a", "b")), { maxLength: 30 }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.array(word, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.nat(59), { maxLength: 10 }),
        (documents, query, topK, deletions) => {
          const index = new InvertedIndex();
          for (const [i, tokens] of documents.entries()) {
            index.add({ id: `d${i}`, text: tokens.join(" ") }, tokens);
          }
          for (const number of deletions) {
            if (number < documents.length) index.remove(number, documents[number]!);
          }
          if (deletions.length > 5) index.compact();
          const searcher = new Searcher();
          const request = { tokens: query, topK, k1: 1.2, b: 0.75 };
          const pruned = searcher.search(index, request);
          if (searcher.pruned) prunedRuns++;
          expect(pruned).toEqual(searcher.search(index, { ...request, exhaustive: true }));
        },
      ),
      { numRuns: 300 },
    );
    expect(prunedRuns, "runs that exercised pruning").toBeGreaterThan(20);
  });
});
