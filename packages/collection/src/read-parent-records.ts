import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { HybridRagError } from "@hybrid-rag/core";
import { type CollectionManifest, readManifest } from "./collection-manifest.ts";
import { DocumentStore, type ParentRecord } from "./document-store.ts";
import { readSegmentFile } from "./segment-file.ts";
import { parentRecordSchema } from "./store-file.ts";

/**
 * The parent records of a saved collection (ids, sources, content and file hashes, signatures)
 * without their chunks or the indexes: what an incremental ingest needs to find out that nothing
 * changed, in memory proportional to the number of parents rather than to the text. The store's
 * checksum is verified; the chunks are parsed as JSON but neither validated nor kept. Returns a
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
  const hash = createHash("sha256");
  try {
    const lines = createInterface({
      input: createReadStream(path, "utf8"),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of lines) {
      hash.update(`${line}\n`);
      const parent = parentRecordSchema.parse((JSON.parse(line) as { parent?: unknown }).parent);
      parents.put(parent as ParentRecord, []);
    }
  } catch (error) {
    throw new HybridRagError(
      "corrupt-data",
      `${path} is not a usable document store: ${error instanceof Error ? error.message : String(error)}. Re-ingest the documents.`,
      { cause: error },
    );
  }
  if (hash.digest("hex") !== manifest.files.storeSha256) {
    throw new HybridRagError(
      "corrupt-data",
      `${path} does not match the checksum in the manifest (modified or truncated); re-ingest the documents.`,
    );
  }
  for (const segment of manifest.segments ?? []) {
    for await (const entry of readSegmentFile(join(directory, segment.file), segment.sha256)) {
      if ("deleted" in entry) parents.delete(entry.deleted);
      else parents.put(entry.parent, []);
    }
  }
  return { manifest, parents };
}
