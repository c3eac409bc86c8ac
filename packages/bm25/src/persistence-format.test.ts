import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Document } from "@hybrid-rag/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bm25Index, createBm25Index } from "./bm25-index.ts";
import { asVersionTwo } from "./index-file.test.helper.ts";
import { loadBm25Index } from "./load-bm25-index.ts";
import { formatVersion } from "./persistence.ts";

const documents: Document[] = [
  { id: "a", title: "Cats", text: "cats purr and run", metadata: { year: 2020, tags: ["pet"] } },
  { id: "b", text: "dogs bark at cats", metadata: { year: 2024, nested: { deep: [1, null] } } },
  { id: "ünï-☃", title: "", text: "snowmen and cats in Zürich 🙂" },
  { id: "d", text: "" },
  { id: "e", title: "Birds", text: "birds sing to cats and dogs" },
];
const queries = ["cats", "dogs cats", "zürich snowmen", "birds sing", "run"];

let folder = "";
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "bm25-format-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function answers(index: Bm25Index, filter?: Record<string, unknown>) {
  return Promise.all(
    queries.map((query) =>
      index.retrieve(query, {
        topK: 10,
        includeDocuments: true,
        ...(filter ? { filter: filter as never } : {}),
      }),
    ),
  );
}

async function fresh(documentsToIndex: readonly Document[]): Promise<Bm25Index> {
  const index = createBm25Index();
  await index.upsert(documentsToIndex);
  return index;
}

describe(`format ${formatVersion} (documents kept as the file's bytes)`, () => {
  it("returns the same hits and documents (titles, metadata, unicode) after a reopen, and filters on loaded metadata", async () => {
    const original = await fresh(documents);
    const path = join(folder, "round-trip.bm25");
    await original.save(path);
    expect((await readFile(path)).readUInt32LE(8)).toBe(4);
    const loaded = await loadBm25Index(path);
    expect(await answers(loaded)).toEqual(await answers(original));
    expect(await answers(loaded, { year: { gte: 2021 } })).toEqual(
      await answers(original, { year: { gte: 2021 } }),
    );
    const [hit] = await loaded.retrieve("snowmen", { topK: 1, includeDocuments: true });
    expect(hit!.document).toEqual(documents[2]);
    expect(Object.keys(hit!.document!)).not.toContain("metadata");
  });

  it("saves a reopened index byte for byte as it was", async () => {
    const path = join(folder, "first.bm25");
    await (await fresh(documents)).save(path);
    const again = join(folder, "again.bm25");
    await (await loadBm25Index(path)).save(again);
    expect((await readFile(again)).equals(await readFile(path))).toBe(true);
  });

  it("deletes, updates and appends to a reopened index exactly as to a fresh one, and saves the result", async () => {
    const path = join(folder, "changed.bm25");
    await (await fresh(documents)).save(path);
    const loaded = await loadBm25Index(path);
    const update = { id: "b", text: "dogs only now", metadata: { year: 2025 } };
    const added = { id: "f", text: "fish swim past cats" };
    await loaded.delete(["a", "ünï-☃"]);
    await loaded.upsert([update, added]);
    const expected = await fresh([documents[3]!, documents[4]!, update, added]);
    expect(await loaded.count()).toBe(4);
    // (The term table keeps the terms of deleted documents: only the document statistics agree.)
    const { terms: _, ...statistics } = loaded.statistics();
    expect(expected.statistics()).toMatchObject(statistics);
    // Same scores; the reopened index keeps the deleted documents' numbers until it compacts.
    const scores = async (index: Bm25Index) =>
      (await answers(index)).map((hits) => hits.map(({ id, score }) => ({ id, score })));
    expect(await scores(loaded)).toEqual(await scores(expected));
    const resaved = join(folder, "changed-again.bm25");
    await loaded.save(resaved); // compacts the deleted stored documents away
    const reloaded = await loadBm25Index(resaved);
    expect(await answers(reloaded)).toEqual(await answers(expected));
    expect(await answers(loaded)).toEqual(await answers(expected));
  });

  it("compacts a reopened index after many deletes (stored documents renumbered) and answers as a fresh one", async () => {
    const many = Array.from({ length: 300 }, (_, number) => ({
      id: `d${number}`,
      text: `word${number % 7} common text ${number}`,
      metadata: { number },
    }));
    const path = join(folder, "many.bm25");
    await (await fresh(many)).save(path);
    const loaded = await loadBm25Index(path);
    await loaded.delete(many.filter((_, number) => number % 2 === 0).map(({ id }) => id));
    const replaced = { id: "d1", text: "replaced common" };
    await loaded.upsert([replaced]);
    const expected = await fresh([
      ...many.filter((_, number) => number % 2 === 1 && number !== 1),
      replaced,
    ]);
    const query = (index: Bm25Index) =>
      index.retrieve("common word3", {
        topK: 20,
        includeDocuments: true,
        filter: { number: { gte: 10 } },
      });
    expect(await loaded.count()).toBe(150);
    expect(await query(loaded)).toEqual(await query(expected));
    expect(await loaded.retrieve("replaced", { topK: 1 })).toMatchObject([{ id: "d1" }]);
  });

  it("still loads a format 2 file (documents as JSON lines) and saves it as format 4", async () => {
    const original = await fresh(documents);
    const path = join(folder, "current.bm25");
    await original.save(path);
    const old = join(folder, "version-2.bm25");
    await writeFile(old, asVersionTwo(await readFile(path)));
    expect((await readFile(old)).readUInt32LE(8)).toBe(2);
    const loaded = await loadBm25Index(old);
    expect(await answers(loaded)).toEqual(await answers(original));
    const upgraded = join(folder, "upgraded.bm25");
    await loaded.save(upgraded);
    expect((await readFile(upgraded)).equals(await readFile(path))).toBe(true);
  });

  it("still loads a format 2 file saved without documents (ids as JSON lines)", async () => {
    const path = join(folder, "ids-only.bm25");
    await (await fresh(documents)).save(path, { storeDocuments: false });
    const old = join(folder, "ids-only-2.bm25");
    await writeFile(old, asVersionTwo(await readFile(path)));
    const store = new Map(documents.map((document) => [document.id, document]));
    const loaded = await loadBm25Index(old, { documents: store });
    const [hit] = await loaded.retrieve("snowmen", { topK: 1, includeDocuments: true });
    expect(hit!.document).toBe(documents[2]);
  });
});
