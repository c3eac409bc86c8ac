import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { reciprocalRankFusion } from "@hybrid-rag/fusion";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedCollection } from "./embedded-collection.ts";
import { openCollection } from "./open-collection.ts";
import { CountingEmbedder } from "./testing/counting-embedder.ts";
import { RefusingEmbedder } from "./testing/refusing-embedder.ts";

const documents = [
  { id: "apples", text: "Apples grow in orchards; the harvest of apples starts in autumn." },
  { id: "bananas", text: "Bananas ripen after picking, and bananas are yellow when ripe." },
  { id: "cherries", text: "Cherries are small stone fruits that ripen early in summer." },
];

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "bm25-only-collection-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const manifestOf = async () =>
  JSON.parse(await readFile(join(directory, "manifest.json"), "utf8")) as Record<string, unknown>;

describe("a BM25-only embedded collection (no embedder)", () => {
  it("ingests into BM25 and the store only, and searches BM25 alone with provenance", async () => {
    const collection = createEmbeddedCollection({});
    expect(collection.dense).toBeUndefined();
    expect(collection.embedder).toBeUndefined();
    const summary = await collection.ingest(documents);
    expect(summary).toMatchObject({ documents: 3, added: 3, failed: 0 });
    expect(await collection.sparse.count()).toBe(collection.store.chunkCount);
    const { hits, parents } = await collection.search("bananas ripe", { topK: 2 });
    expect(parents[0]!.parentId).toBe("bananas");
    expect(hits[0]!.document?.text).toContain("yellow when ripe");
    for (const hit of hits) expect(Object.keys(hit.sources)).toEqual(["bm25"]);
    expect(hits[0]!.sources.bm25).toMatchObject({ status: "found", rank: 1 });
    // Nothing to fuse: BM25's own scores, with or without a fusion asked for.
    const [bm25] = await collection.sparse.retrieve("bananas ripe", { topK: 1 });
    expect(hits[0]!.score).toBe(bm25!.score);
    const withFusion = await collection.search("bananas ripe", {
      topK: 2,
      fusion: reciprocalRankFusion(),
    });
    expect(withFusion.hits.map((hit) => [hit.id, hit.score])).toEqual(
      hits.map((hit) => [hit.id, hit.score]),
    );
    expect(await collection.deleteParent("bananas")).toBe(1);
    expect((await collection.search("bananas")).hits).toEqual([]);
  });

  it("refuses a metric without an embedder instead of dropping it", () => {
    expect(() => createEmbeddedCollection({ metric: "dot" })).toThrow(
      expect.objectContaining({
        code: "invalid-argument",
        message: expect.stringContaining('metric "dot" is for the dense side'),
      }),
    );
  });

  it("saves without a dense file, records no dense side, and opens without an embedder", async () => {
    const collection = createEmbeddedCollection({});
    await collection.ingest(documents);
    expect(await collection.save(directory)).toBe(1);
    const manifest = await manifestOf();
    expect(manifest).toMatchObject({
      formatVersion: 2,
      embedder: null,
      metric: null,
      counts: { parents: 3, chunks: 3 },
    });
    expect((manifest.files as Record<string, unknown>).dense).toBeNull();
    expect((await readdir(join(directory, "v000001"))).sort()).toEqual([
      "sparse.bm25",
      "store.jsonl",
      "store.offsets.jsonl",
    ]);
    const reopened = await openCollection(directory);
    expect(reopened.dense).toBeUndefined();
    expect((await reopened.search("orchards")).parents[0]!.parentId).toBe("apples");
    // It stays writable: a new document, saved over the version it was opened from.
    await reopened.ingest([{ id: "dates", text: "Dates grow on palm trees in the desert." }]);
    expect(await reopened.save(directory)).toBe(2);
    expect((await openCollection(directory)).store.parentCount).toBe(4);
  });

  it("refuses an embedder for a BM25-only collection and none for a hybrid one, saying what to do", async () => {
    const lexical = createEmbeddedCollection({});
    await lexical.ingest(documents);
    await lexical.save(directory);
    await expect(
      openCollection(directory, { embedder: new HashingEmbedder(8) }),
    ).rejects.toMatchObject({
      code: "invalid-argument",
      message: expect.stringMatching(/BM25-only collection .*addDenseSide.*--embedding-model/),
    });
    const hybridDirectory = join(directory, "hybrid");
    const hybrid = createEmbeddedCollection({ embedder: new HashingEmbedder(8) });
    await hybrid.ingest(documents);
    await hybrid.save(hybridDirectory);
    await expect(openCollection(hybridDirectory)).rejects.toMatchObject({
      code: "invalid-argument",
      message: expect.stringContaining("was built with embedder hashing"),
    });
  });

  it("the open-time count check covers a BM25-only collection", async () => {
    const collection = createEmbeddedCollection({});
    await collection.ingest(documents);
    await collection.save(directory);
    const manifest = await manifestOf();
    (manifest.counts as { chunks: number }).chunks = 4;
    await writeFile(join(directory, "manifest.json"), JSON.stringify(manifest));
    await expect(openCollection(directory)).rejects.toMatchObject({
      code: "corrupt-data",
      message: expect.stringContaining(
        "the store, the BM25 index and the manifest disagree on the number of chunks (3, 3, 4)",
      ),
    });
  });

  it("gains a dense side from the stored chunks: dense hits for documents ingested before", async () => {
    const lexical = createEmbeddedCollection({});
    await lexical.ingest(documents);
    await lexical.save(directory);
    const opened = await openCollection(directory);
    const embedder = new CountingEmbedder(new HashingEmbedder(64));
    const progress: Array<[number, number]> = [];
    await opened.addDenseSide(embedder, {
      batchChunks: 2,
      onProgress: (done, total) => progress.push([done, total]),
    });
    // Every stored chunk, from the store's text, once.
    expect(embedder.embeddedPassages.sort()).toEqual(documents.map((d) => d.text).sort());
    expect(progress).toEqual([
      [2, 3],
      [3, 3],
    ]);
    expect(await opened.dense!.count()).toBe(3);
    const { hits } = await opened.search("Cherries are small stone fruits", { topK: 3 });
    expect(hits[0]!.sources.dense).toMatchObject({ status: "found", rank: 1 });
    expect(hits[0]!.id).toBe("cherries#0");
    // New documents now go to both sides.
    await opened.ingest([{ id: "dates", text: "Dates grow on palm trees in the desert." }]);
    expect(await opened.dense!.count()).toBe(4);
    expect(await opened.save(directory)).toBe(2);
    expect(await manifestOf()).toMatchObject({
      embedder: { name: embedder.name, dimension: 64 },
      metric: "cosine",
      files: { dense: "dense.vectors" },
      counts: { parents: 4, chunks: 4 },
    });
    const hybrid = await openCollection(directory, { embedder: new HashingEmbedder(64) });
    expect(await hybrid.dense!.count()).toBe(4);
    await expect(opened.addDenseSide(new HashingEmbedder(64))).rejects.toMatchObject({
      code: "already-exists",
    });
  });

  it("a failed dense side leaves the collection BM25-only", async () => {
    const collection = createEmbeddedCollection({});
    await collection.ingest(documents);
    await expect(
      collection.addDenseSide(new RefusingEmbedder(16, "Bananas")),
    ).rejects.toMatchObject({
      code: "internal",
      message: expect.stringContaining("The collection is unchanged (BM25-only)"),
    });
    expect(collection.dense).toBeUndefined();
    expect(collection.embedder).toBeUndefined();
    expect(Object.keys((await collection.search("bananas")).hits[0]!.sources)).toEqual(["bm25"]);
  });
});

describe("manifest format versions", () => {
  it("a collection saved in format version 1 (before BM25-only) still opens", async () => {
    const hybrid = createEmbeddedCollection({ embedder: new HashingEmbedder(8) });
    await hybrid.ingest(documents);
    await hybrid.save(directory);
    // Format 1 differs only in its number: every field was present and non-null.
    const manifest = await manifestOf();
    await writeFile(
      join(directory, "manifest.json"),
      JSON.stringify({ ...manifest, formatVersion: 1 }),
    );
    const opened = await openCollection(directory, { embedder: new HashingEmbedder(8) });
    expect(await opened.dense!.count()).toBe(3);
    expect((await opened.search("orchards")).parents[0]!.parentId).toBe("apples");
  });
});
