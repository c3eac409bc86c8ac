import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { checkedBy, readChecksummedLines } from "./checksummed-lines.ts";
import type { CollectionManifest } from "./collection-manifest.ts";
import { readSegmentFile } from "./segment-file.ts";

const refSchema = z.string().regex(/^[0-9a-f]{64}$/, "an image ref is a lowercase hex SHA-256");

/**
 * Writes the refs of every image a version folder's store uses, one JSON string a line, flushed;
 * returns its SHA-256 (the manifest records it). What a later compaction reads to keep the
 * images of this version for readers that still use it.
 */
export async function writeImageListFile(path: string, refs: ReadonlySet<string>): Promise<string> {
  const data = [...refs]
    .sort()
    .map((ref) => `${JSON.stringify(ref)}\n`)
    .join("");
  const file = await open(path, "wx");
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  return createHash("sha256").update(data).digest("hex");
}

/**
 * The refs of every image a saved version uses: its folder's image list and the images of the
 * chunks its segments write. Empty for a version without images.
 */
export async function imageRefsOfVersion(
  directory: string,
  manifest: CollectionManifest,
): Promise<Set<string>> {
  const refs = new Set<string>();
  if (manifest.images) {
    const path = join(directory, manifest.directory, manifest.images.file);
    const lines = readChecksummedLines(path, manifest.images.sha256, checkedBy(refSchema), {
      what: "a usable image list",
      whenMissing:
        "the version folder the manifest names lost its image list. Restore it from a backup or re-ingest the documents.",
    });
    for await (const ref of lines) refs.add(ref);
  }
  for (const segment of manifest.segments ?? []) {
    for await (const entry of readSegmentFile(join(directory, segment.file), segment.sha256)) {
      if ("deleted" in entry) continue;
      for (const chunk of entry.chunks)
        if (chunk.image && "ref" in chunk.image) refs.add(chunk.image.ref);
    }
  }
  return refs;
}
