import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readManifest } from "./collection-manifest.ts";
import { openCollection } from "./open-collection.ts";
import { readParentRecords } from "./read-parent-records.ts";
import { durableIngest } from "./testing/durable-ingest.ts";
import { resumableDocuments } from "./testing/resumable-documents.ts";

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "collection-parent-records-"));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A collection saved as a version folder plus checkpoint segments (5 documents each). */
async function collectionWithSegments() {
  const documents = resumableDocuments(23);
  await durableIngest(directory, documents);
  // Replaces three documents: the last segment holds them on top of the earlier ones.
  await durableIngest(
    directory,
    documents.slice(0, 3).map((document) => ({ ...document, text: `${document.text} Revised.` })),
  );
  const manifest = await readManifest(directory);
  expect(manifest?.segments?.length).toBeGreaterThan(1);
  return manifest!;
}

describe("readParentRecords", () => {
  it("gives the parents the opened collection holds, store and segments applied in order", async () => {
    await collectionWithSegments();
    const read = await readParentRecords(directory);
    const opened = await openCollection(directory);
    expect([...read!.parents.parents()]).toEqual([...opened.store.parents()]);
    expect(read!.parents.chunkCount).toBe(0);
  });

  it("refuses a segment whose bytes no longer match the manifest's checksum", async () => {
    const manifest = await collectionWithSegments();
    const segment = join(directory, manifest.segments![0]!.file);
    const text = await readFile(segment, "utf8");
    await writeFile(segment, text.replace(/"source":"/, '"source":"x'));
    await expect(readParentRecords(directory)).rejects.toThrow(
      /does not match the checksum in the manifest/,
    );
  });

  it("refuses a segment line whose parent record is malformed, naming the line", async () => {
    const manifest = await collectionWithSegments();
    const entry = manifest.segments![0]!;
    const segment = join(directory, entry.file);
    const lines = (await readFile(segment, "utf8")).split("\n");
    lines[1] = lines[1]!.replace(/"contentHash":"[^"]*"/, '"contentHash":7');
    const tampered = lines.join("\n");
    await writeFile(segment, tampered);
    // The checksum made to match: the record itself must be refused.
    const sha256 = createHash("sha256").update(tampered).digest("hex");
    const manifestPath = join(directory, "manifest.json");
    await writeFile(
      manifestPath,
      (await readFile(manifestPath, "utf8")).replace(entry.sha256, sha256),
    );
    await expect(readParentRecords(directory)).rejects.toThrow(/line 2:.*string/);
  });
});
