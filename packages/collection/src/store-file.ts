import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { Chunk } from "@hybrid-rag/chunking";
import { documentImageSchema, documentSchema } from "@hybrid-rag/core";
import { z } from "zod";
import { checkedBy, readChecksummedLines } from "./checksummed-lines.ts";
import { DocumentStore, type ParentRecord } from "./document-store.ts";

export const parentRecordSchema = z.strictObject({
  id: z.string(),
  source: z.string(),
  title: z.string().optional(),
  format: z.string().optional(),
  contentHash: z.string(),
  chunkIds: z.array(z.string()),
  /** MinHash signature of the parent's normalised text (near-duplicate detection), base64. */
  signature: z.string().optional(),
  fileSha256: z.string().optional(),
  image: documentImageSchema.optional(),
  partOf: z.string().optional(),
});

const lineSchema = z.strictObject({
  parent: parentRecordSchema,
  chunks: z.array(documentSchema),
});

/** Writes one line per parent (`{ parent, chunks }`), flushed to disk; returns its SHA-256. */
export async function writeStoreFile(path: string, store: DocumentStore): Promise<string> {
  const hash = createHash("sha256");
  const file = await open(path, "wx");
  try {
    let buffered: string[] = [];
    let bufferedLength = 0;
    const flush = async () => {
      const data = buffered.join("");
      hash.update(data);
      await file.write(data);
      buffered = [];
      bufferedLength = 0;
    };
    for (const parent of store.parents()) {
      const line = `${JSON.stringify({ parent, chunks: store.chunksOf(parent.id) })}\n`;
      buffered.push(line);
      bufferedLength += line.length;
      if (bufferedLength > 1 << 20) await flush();
    }
    await flush();
    await file.sync();
  } finally {
    await file.close();
  }
  return hash.digest("hex");
}

/** What errors call the store file, and what to do when it is gone. */
export const storeFileKind = {
  what: "a usable document store",
  whenMissing:
    "the version folder the manifest names was removed or moved. Restore it from a backup or re-ingest the documents.",
};

/** Reads a store file, checking its SHA-256 against the manifest and every line's shape. */
export async function readStoreFile(path: string, expectedSha256: string): Promise<DocumentStore> {
  const store = new DocumentStore();
  const lines = readChecksummedLines(path, expectedSha256, checkedBy(lineSchema), storeFileKind);
  for await (const { parent, chunks } of lines)
    store.put(parent as ParentRecord, chunks as Chunk[]);
  return store;
}
