import { join } from "node:path";
import { readChecksummedLines } from "./checksummed-lines.ts";
import { type CollectionManifest, readManifest } from "./collection-manifest.ts";
import { DocumentStore, type ParentRecord } from "./document-store.ts";
import { readSegmentParents } from "./segment-file.ts";
import { parentRecordSchema, storeFileKind } from "./store-file.ts";

/**
 * The parent records of a saved collection (ids, sources, content and file hashes, signatures)
 * without their chunks or the indexes: what an incremental ingest needs to find out that nothing
 * changed, in memory proportional to the number of parents rather than to the text. The store's
 * and the segments' checksums are verified; the chunks are parsed as JSON but neither validated
 * nor kept. Returns a
 * `DocumentStore` holding the records with no chunks (its `hasFile` and near-duplicate groups
 * work), or undefined when the directory holds no collection.
 */
export async function readParentRecords(
  directory: string,
): Promise<{ manifest: CollectionManifest; parents: DocumentStore } | undefined> {
  const manifest = await readManifest(directory);
  if (!manifest) return undefined;
  const parents = new DocumentStore();
  const path = join(directory, manifest.directory, manifest.files.store);
  const records = readChecksummedLines(
    path,
    manifest.files.storeSha256,
    (line) => parentRecordSchema.parse((line as { parent?: unknown }).parent),
    { what: storeFileKind.what },
  );
  for await (const parent of records) parents.put(parent as ParentRecord, []);
  for (const segment of manifest.segments ?? []) {
    for await (const entry of readSegmentParents(join(directory, segment.file), segment.sha256)) {
      if ("deleted" in entry) parents.delete(entry.deleted);
      else parents.put(entry.parent, []);
    }
  }
  return { manifest, parents };
}
