import { mkdtemp, open, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HashingEmbedder } from "@hybrid-rag/core/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readManifest } from "./collection-manifest.ts";
import { createEmbeddedCollection, type EmbeddedCollection } from "./embedded-collection.ts";
import { openCollection } from "./open-collection.ts";
import { readParentRecords } from "./read-parent-records.ts";
import { storeOffsetsFile } from "./store-offsets.ts";

// Opening reads the parent records from the offsets index and each hit's line on demand.
const embedder = new HashingEmbedder(64);
const topics = ["granite quarry", "violin maker", "tidal estuary", "comet orbit", "sourdough"];
const documents = Array.from({ length: 40 }, (_, index) => ({
  id: `doc-${index}`,
  title: `${topics[index % topics.length]} ${index}`,
  // Every tenth document is long enough for several chunks.
  text: `Notes ${index} on the ${topics[index % topics.length]}. ${"Filler words about nothing in particular. ".repeat(index % 10 === 9 ? 60 : 2)}`,
  metadata: { source: `notes/doc-${index}.txt` },
}));

let directory: string;

async function versionFolder(): Promise<string> {
  return join(directory, (await readManifest(directory))!.directory);
}

const idsOf = async (collection: EmbeddedCollection, query: string) =>
  (await collection.search(query, { topK: 5 })).hits.map((hit) => [hit.id, hit.document?.text]);

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "collection-lazy-open-"));
  const built = createEmbeddedCollection({ embedder });
  await built.ingest(documents);
  await built.save(directory);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(directory, { recursive: true, force: true });
});

describe("opening a saved collection lazily", () => {
  it("reads no chunk at open and only the hits' lines for a search, with the same results as a whole read", async () => {
    const lazy = await openCollection(directory, { embedder });
    expect(lazy.store.chunkCount).toBeGreaterThan(documents.length);
    expect(lazy.store.readChunkCount).toBe(0);
    const results = await idsOf(lazy, "violin maker");
    expect(lazy.store.readChunkCount).toBeGreaterThan(0);
    expect(lazy.store.readChunkCount).toBeLessThan(lazy.store.chunkCount);

    // Without the index (a store written before it existed) the store is read whole.
    await rm(join(await versionFolder(), storeOffsetsFile));
    const whole = await openCollection(directory, { embedder });
    expect(whole.store.readChunkCount).toBe(whole.store.chunkCount);
    expect(results).toEqual(await idsOf(whole, "violin maker"));
    expect(results[0]![1]).toContain("violin maker");
    // Every chunk reads as the same document both ways (text, title, metadata).
    for (const parent of whole.store.parents())
      expect(lazy.store.chunksOf(parent.id)).toEqual(whole.store.chunksOf(parent.id));
  });

  it("readParentRecords reads the same records from the index as from the store", async () => {
    const fromIndex = await readParentRecords(directory);
    await rm(join(await versionFolder(), storeOffsetsFile));
    const fromStore = await readParentRecords(directory);
    expect([...fromIndex!.parents.parents()]).toEqual([...fromStore!.parents.parents()]);
    expect(fromIndex!.parents.parentCount).toBe(documents.length);
  });

  it("hands out one object per chunk before and after its line is read, to both indexes", async () => {
    const lazy = await openCollection(directory, { embedder });
    const [sparseHit] = await lazy.sparse.retrieve("comet orbit", { topK: 1 });
    const [denseHit] = await lazy.dense!.retrieve(sparseHit!.document!.text, { topK: 1 });
    expect(denseHit!.document).toBe(lazy.store.get(denseHit!.id));
    expect(sparseHit!.document).toBe(lazy.store.get(sparseHit!.id));
    expect({ ...sparseHit!.document }).toEqual(JSON.parse(JSON.stringify(sparseHit!.document)));
  });

  it("a replaced document's stand-ins keep reading its stored version; the store serves the new one", async () => {
    const lazy = await openCollection(directory, { embedder });
    const old = lazy.store.get("doc-3#0")!;
    await lazy.ingest([
      { id: "doc-3", text: "Rewritten: a harbour pilot's handbook.", metadata: {} },
    ]);
    expect(old.text).toContain("Notes 3 on the comet orbit");
    expect(lazy.store.get("doc-3#0")!.text).toBe("Rewritten: a harbour pilot's handbook.");
    await lazy.save(directory);
    const reopened = await openCollection(directory, { embedder });
    expect((await idsOf(reopened, "harbour pilot"))[0]).toEqual([
      "doc-3#0",
      "Rewritten: a harbour pilot's handbook.",
    ]);
    expect(reopened.store.get("doc-4#0")!.text).toContain("Notes 4 on the sourdough");
  });

  it("a damaged offsets index is reported and the store is read whole instead", async () => {
    const path = join(await versionFolder(), storeOffsetsFile);
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace('"offset":0', '"offset":1'));
    const warnings = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const opened = await openCollection(directory, { embedder });
    expect(warnings).toHaveBeenCalledOnce();
    expect(String(warnings.mock.calls[0]![0])).toMatch(
      /store\.offsets\.jsonl is not a usable store offsets index: it does not match its own checksum.*Reading the whole store instead/,
    );
    expect(opened.store.readChunkCount).toBe(opened.store.chunkCount);
    expect((await idsOf(opened, "sourdough"))[0]![1]).toContain("sourdough");
  });

  it("a store line changed after the save fails the search that reads it with corrupt-data", async () => {
    const folder = await versionFolder();
    const lazy = await openCollection(directory, { embedder });
    // Same size, one character changed inside the first parent's text.
    const store = await open(join(folder, "store.jsonl"), "r+");
    const at = (await readFile(join(folder, "store.jsonl"), "utf8")).indexOf("Filler");
    await store.write("f", at);
    await store.close();
    const [hit] = await lazy.sparse.retrieve("granite quarry 0", { topK: 1 });
    expect(hit!.id).toBe("doc-0#0");
    expect(() => hit!.document!.text).toThrow(
      /store\.jsonl: the line of document "doc-0" does not match its checksum in the offsets index.*Re-ingest/,
    );
  });

  it("saves a lazily opened collection with the stored lines copied, and a reader keeps its version after two saves", async () => {
    const reader = await openCollection(directory, { embedder });
    const writer = await openCollection(directory, { embedder });
    await writer.ingest([{ id: "extra", text: "A lighthouse keeper's log.", metadata: {} }]);
    await writer.save(directory);
    await writer.ingest([{ id: "extra-2", text: "A beekeeper's calendar.", metadata: {} }]);
    await writer.save(directory);
    const folder = await versionFolder();
    const reopened = await openCollection(directory, { embedder });
    expect(reopened.store.parentCount).toBe(documents.length + 2);
    expect(reopened.store.readChunkCount).toBe(0);
    expect((await idsOf(reopened, "lighthouse keeper"))[0]![1]).toContain("lighthouse");
    expect(await idsOf(reopened, "tidal estuary")).toEqual(await idsOf(reader, "tidal estuary"));
    expect(folder).toMatch(/v000003$/);
    // The reader's version folder (v000001) is gone; its open store file still reads.
    await expect(stat(join(directory, "v000001"))).rejects.toThrow(/ENOENT/);
    expect((await idsOf(reader, "granite quarry"))[0]![1]).toContain("granite quarry");
  });
});
