import { join } from "node:path";
import { readChecksummedLines } from "./checksummed-lines.ts";
import { type CollectionManifest, readManifest } from "./collection-manifest.ts";
import { DocumentStore, type ParentRecord } from "./document-store.ts";
import { readSegmentParents } from "./segment-file.ts";
import { storeFileKind } from "./store-file.ts";
import { parentRecordSchema } from "./store-line-schema.ts";
import { readStoreOffsets, storeOffsetsFile } from "./store-offsets.ts";

/**
 * The parent records of a saved collection (ids, sources, content and file hashes, signatures)
 * without their chunks or the indexes: what an incremental ingest needs to find out that nothing
 * changed, in memory proportional to the number of parents rather than to the text. They come
 * from the store's offsets index when it has a sound one (its checksum verified), else from the
 * store (its checksum verified; the chunks parsed as JSON but neither validated nor kept); the
 * segments' checksums are verified and only their parent records validated. Returns a
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
  const indexed = await readStoreOffsets(
    join(directory, manifest.directory, storeOffsetsFile),
    manifest.files.storeSha256,
  ).catch(() => undefined);
  // The offsets index holds the same records (checked by its own checksum); else the store.
  const records = indexed
    ? [...indexed.entries.values()].map((entry) => entry.parent)
    : readChecksummedLines(
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
