import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Document, InlineImage, StoredImageReference } from "@hybrid-rag/core";
import { tinyPng } from "@hybrid-rag/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "./collection-manifest.ts";
import { createEmbeddedCollection } from "./embedded-collection.ts";
import { imagePath, imagesFolder } from "./image-store.ts";
import { openCollection } from "./open-collection.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const png = (seed: number, size = 4): InlineImage => ({
  mediaType: "image/png",
  data: tinyPng(size, size, seed),
});
const chart = png(1);
const scan = png(2);

/** A PDF's text document and the image-only documents of its pages, as loaders give them. */
function pdf(id: string, pages: Record<number, InlineImage>): Document[] {
  return [
    {
      id,
      text: `The ${id} report. Harbour fees by quarter are in the chart.`,
      metadata: { pageStart: 1 },
    },
    ...Object.entries(pages).map(([page, image]) => ({
      id: `${id}#page=${page}`,
      text: "",
      image,
      metadata: { parent: id, page: Number(page) },
    })),
  ];
}

/** Rejects with a HybridRagError of `code` whose message matches `pattern`. */
async function expectErrorCode(promise: Promise<unknown>, code: string, pattern: RegExp) {
  await expect(promise).rejects.toMatchObject({ code, message: expect.stringMatching(pattern) });
}

async function imageFiles(directory: string): Promise<string[]> {
  const root = join(directory, imagesFolder);
  const files: string[] = [];
  for (const prefix of await readdir(root).catch(() => [] as string[])) {
    for (const entry of await readdir(join(root, prefix))) files.push(entry);
  }
  return files.sort();
}

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "collection-images-"));
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("the collection's image store", () => {
  it("stores image-only documents with their page links, each image once, and resolves them by hash", async () => {
    const collection = createEmbeddedCollection({});
    const summary = await collection.ingest([
      ...pdf("a.pdf", { 2: chart, 3: scan }),
      ...pdf("b.pdf", { 2: chart }),
      { id: "figure", text: "A figure of berth fees.", image: scan },
    ]);
    expect(summary).toMatchObject({ documents: 6, added: 6, failed: 0, skipped: [] });
    expect(summary.images).toEqual({ stored: 2, deduplicated: 2, skipped: [], imageOnly: 3 });
    const reference = collection.imageOf("a.pdf#page=2");
    expect(reference).toEqual({
      mediaType: "image/png",
      ref: sha256(chart.data),
      width: 4,
      height: 4,
    });
    expect(collection.imageOf("figure#0")).toEqual(collection.imageOf("a.pdf#page=3"));
    expect(collection.imageOf("a.pdf#0")).toBeUndefined();
    const resolved = await collection.images.resolveImage(reference!);
    expect(sha256(resolved.data)).toBe(reference!.ref);
    // A text chunk of pages 2–3 finds its pages' images of its own PDF (not the other one's),
    // then the page after and the page before (none stored here).
    const textChunk = {
      ...collection.store.chunk("a.pdf#0")!,
      metadata: { ...collection.store.chunk("a.pdf#0")!.metadata, pageStart: 2, pageEnd: 3 },
    };
    expect(collection.pageImagesOf(textChunk).map((image) => image.id)).toEqual([
      "a.pdf#page=2#0",
      "a.pdf#page=3#0",
    ]);
    // A chunk of page 1 (the text pointing at the chart) finds the chart-only page 2 next to it.
    const firstPage = collection.store.chunk("b.pdf#0")!;
    expect(
      collection
        .pageImagesOf({
          ...firstPage,
          metadata: { ...firstPage.metadata, pageStart: 1, pageEnd: 1 },
        })
        .map((image) => image.id),
    ).toEqual(["b.pdf#page=2#0"]);
    expect(
      collection.pageImagesOf({
        ...firstPage,
        metadata: { ...firstPage.metadata, pageStart: 4, pageEnd: 4 },
      }),
    ).toEqual([]);
    // BM25 holds no image-only chunk (nothing to read), the store holds all.
    expect(await collection.sparse.count()).toBe(3);
    expect(collection.store.chunkCount).toBe(6);
  });

  it("saves images beside the store, reopens and resolves them, and refuses a damaged or missing one clearly", async () => {
    const directory = join(workspace, "saved");
    const collection = createEmbeddedCollection({});
    await collection.ingest(pdf("a.pdf", { 2: chart, 3: scan }));
    await collection.save(directory);
    expect(await imageFiles(directory)).toEqual([sha256(chart.data), sha256(scan.data)].sort());
    const manifest = await readManifest(directory);
    expect(manifest).toMatchObject({ formatVersion: 4, images: { count: 2 } });
    const opened = await openCollection(directory);
    const reference = opened.imageOf("a.pdf#page=3") as StoredImageReference;
    expect((await opened.images.resolveImage(reference)).data).toEqual(scan.data);
    await writeFile(imagePath(directory, reference.ref), tinyPng(4, 4, 9));
    await expectErrorCode(
      opened.images.resolveImage(reference),
      "corrupt-data",
      /does not hash to/,
    );
    await rm(imagePath(directory, reference.ref));
    await expectErrorCode(opened.images.resolveImage(reference), "corrupt-data", /is missing/);
  });

  it("removes image references on delete and --remove-missing, and deletes unreferenced files only when a version is compacted, keeping the previous version's", async () => {
    const directory = join(workspace, "gc");
    const collection = createEmbeddedCollection({});
    await collection.ingest([...pdf("a.pdf", { 2: chart }), ...pdf("b.pdf", { 2: scan })]);
    await collection.save(directory);
    // b.pdf is gone from the input: its page image is no longer referenced.
    const summary = await collection.ingest(pdf("a.pdf", { 2: chart }), { removeMissing: true });
    expect(summary.removed).toBe(2);
    expect(collection.store.imageRefs()).toEqual(new Set([sha256(chart.data)]));
    await collection.save(directory);
    // The previous version (a reader may have it open) still uses the scan: kept.
    expect(await imageFiles(directory)).toEqual([sha256(chart.data), sha256(scan.data)].sort());
    await collection.deleteParent("a.pdf#page=2");
    await collection.save(directory);
    // Two versions on: the scan is in neither the current nor the previous version.
    expect(await imageFiles(directory)).toEqual([sha256(chart.data)]);
    await collection.save(directory);
    expect(await imageFiles(directory)).toEqual([]);
    expect(collection.imageOf("a.pdf#page=2")).toBeUndefined();
  });

  it("never removes an image a stored document uses: one deleted and stored again by another document stays", async () => {
    const directory = join(workspace, "gc-shared");
    const collection = createEmbeddedCollection({});
    await collection.ingest([...pdf("a.pdf", { 2: chart })]);
    await collection.save(directory);
    await collection.deleteParent("a.pdf#page=2");
    await collection.save(directory);
    await collection.save(directory);
    expect(await imageFiles(directory)).toEqual([]);
    const again = await collection.ingest([...pdf("c.pdf", { 5: chart })]);
    expect(again.images).toMatchObject({ stored: 1, deduplicated: 0 });
    await collection.save(directory);
    await collection.save(directory);
    await collection.save(directory);
    const opened = await openCollection(directory);
    const reference = opened.imageOf("c.pdf#page=5")!;
    expect((await opened.images.resolveImage(reference)).data).toEqual(chart.data);
  });

  it("refuses an image over the bounds or not the format it declares: an image-only document is skipped, a text one keeps its text", async () => {
    const collection = createEmbeddedCollection({
      images: { maxImagePixels: 100, maxImageBytes: 4096 },
    });
    const large = png(3, 11); // 121 pixels
    const summary = await collection.ingest([
      { id: "big#page=1", text: "", image: large, metadata: { parent: "big", page: 1 } },
      { id: "caption", text: "A caption about harbour fees.", image: large },
      { id: "liar", text: "", image: { mediaType: "image/jpeg", data: chart.data } },
      { id: "ok", text: "", image: chart },
    ]);
    expect(summary.images.stored).toBe(1);
    expect(summary.images.skipped.map((skip) => skip.id)).toEqual([
      "big#page=1",
      "caption",
      "liar",
    ]);
    expect(summary.images.skipped[0]!.reason).toMatch(
      /11 × 11 pixels, over the collection's image limit of 100 \(images\.maxImagePixels\)/,
    );
    expect(summary.images.skipped[2]!.reason).toMatch(
      /declared as image\/jpeg but its bytes are image\/png/,
    );
    expect(summary.skipped.map((skip) => skip.source)).toEqual(["big#page=1", "liar"]);
    expect(summary.warnings).toEqual([
      expect.stringMatching(
        /^caption: its text was ingested, its image was not: .*over the collection's image limit/,
      ),
    ]);
    expect(collection.store.parent("caption")?.image).toBeUndefined();
    expect(collection.store.chunk("caption#0")?.image).toBeUndefined();
    await expectErrorCode(
      Promise.resolve().then(() => createEmbeddedCollection({ images: { maxImageBytes: 0 } })),
      "invalid-argument",
      /images\.maxImageBytes must be a whole number of at least 1/,
    );
  });

  it("counts the page images of an unchanged file as unchanged, not missing (the loader reads no unchanged file)", async () => {
    const collection = createEmbeddedCollection({});
    await collection.ingest(pdf("a.pdf", { 2: chart, 3: scan }));
    const unchangedFile = {
      kind: "skipped" as const,
      code: "unchanged" as const,
      id: "a.pdf",
      source: "a.pdf",
      reason: "its bytes are unchanged since it was loaded before",
    };
    const summary = await collection.ingest([unchangedFile], { removeMissing: true });
    expect(summary).toMatchObject({ documents: 3, unchanged: 3, removed: 0, missing: 0 });
    expect(collection.store.partsOf("a.pdf").sort()).toEqual(["a.pdf#page=2", "a.pdf#page=3"]);
  });

  it("re-ingests a document whose image changed, and keeps one whose image did not", async () => {
    const collection = createEmbeddedCollection({});
    await collection.ingest(pdf("a.pdf", { 2: chart }));
    const same = await collection.ingest(pdf("a.pdf", { 2: chart }));
    expect(same).toMatchObject({ unchanged: 2, replaced: 0 });
    expect(same.images).toMatchObject({ stored: 0, deduplicated: 0 });
    const changed = await collection.ingest(pdf("a.pdf", { 2: scan }));
    expect(changed).toMatchObject({ unchanged: 1, replaced: 1 });
    expect(collection.imageOf("a.pdf#page=2")?.ref).toBe(sha256(scan.data));
  });

  it("saved into another directory, copies the images it uses there (the first directory may go)", async () => {
    const first = join(workspace, "copy-from");
    const second = join(workspace, "copy-to");
    const collection = createEmbeddedCollection({});
    await collection.ingest(pdf("a.pdf", { 2: chart }));
    await collection.save(first);
    const opened = await openCollection(first);
    await opened.save(second);
    await rm(first, { recursive: true, force: true });
    const moved = await openCollection(second);
    expect((await moved.images.resolveImage(moved.imageOf("a.pdf#page=2")!)).data).toEqual(
      chart.data,
    );
  });

  it("writes each image file once, flushed under its final name (no temporary left)", async () => {
    const directory = join(workspace, "once");
    const collection = createEmbeddedCollection({});
    await collection.ingest(pdf("a.pdf", { 2: chart }));
    await collection.save(directory);
    const path = imagePath(directory, sha256(chart.data));
    const before = await stat(path);
    await collection.ingest(pdf("b.pdf", { 2: chart }));
    await collection.save(directory);
    expect((await stat(path)).ino).toBe(before.ino);
    expect(await imageFiles(directory)).toEqual([sha256(chart.data)]);
  });
});
