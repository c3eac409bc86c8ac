import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Chunk } from "@hybrid-rag/chunking";
import { checkedBy, readChecksummedLines } from "./checksummed-lines.ts";
import { DocumentStore, type ParentRecord } from "./document-store.ts";
import { storeLineSchema } from "./store-line-schema.ts";
import { StoreLines } from "./store-lines.ts";
import { readStoreOffsets, StoreOffsetsWriter, storeOffsetsFile } from "./store-offsets.ts";

/**
 * Writes one line per parent (`{ parent, chunks }`), flushed to disk, and its offsets index
 * beside it (`store.offsets.jsonl`); returns the store's SHA-256. A parent still as a lazily
 * opened store read it is copied as its stored line.
 */
export async function writeStoreFile(path: string, store: DocumentStore): Promise<string> {
  const hash = createHash("sha256");
  const offsets = new StoreOffsetsWriter();
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
      const line =
        store.storedLine(parent.id) ??
        `${JSON.stringify({ parent, chunks: store.chunksOf(parent.id) })}\n`;
      offsets.add(parent, line);
      buffered.push(line);
      bufferedLength += line.length;
      if (bufferedLength > 1 << 20) await flush();
    }
    await flush();
    await file.sync();
  } finally {
    await file.close();
  }
  const sha256 = hash.digest("hex");
  await offsets.write(offsetsPathOf(path), sha256);
  return sha256;
}

function offsetsPathOf(storePath: string): string {
  return join(dirname(storePath), storeOffsetsFile);
}

/** What errors call the store file, and what to do when it is gone. */
export const storeFileKind = {
  what: "a usable document store",
  whenMissing:
    "the version folder the manifest names was removed or moved. Restore it from a backup or re-ingest the documents.",
};

/**
 * Opens a store file. With its offsets index, lazily: the parent records come from the index and
 * each parent's line is read (and checked against its SHA-256) when a chunk of it is first used.
 * Without one (a store written before the index existed) or with a damaged one (a warning says
 * so), the whole file is read and checked against the manifest's SHA-256.
 */
export async function readStoreFile(path: string, expectedSha256: string): Promise<DocumentStore> {
  let offsets: Awaited<ReturnType<typeof readStoreOffsets>>;
  try {
    offsets = await readStoreOffsets(offsetsPathOf(path), expectedSha256);
  } catch (error) {
    process.emitWarning(
      `${(error as Error).message} Reading the whole store instead (checked against the manifest); the next save writes a new index.`,
      { code: "HYBRID_RAG_STORE_OFFSETS" },
    );
  }
  if (offsets === undefined) return readWholeStoreFile(path, expectedSha256);
  const lines = StoreLines.open(path, offsets.storeBytes);
  const { entries } = offsets;
  const entryOf = (parentId: string) => entries.get(parentId)!;
  return DocumentStore.lazy(
    [...entries.values()].map((entry) => entry.parent),
    {
      chunks: (parentId) => lines.chunks(entryOf(parentId).parent, entryOf(parentId).line),
      line: (parentId) => lines.line(entryOf(parentId).parent, entryOf(parentId).line),
    },
  );
}

/** Reads a store file whole, checking its SHA-256 against the manifest and every line's shape. */
async function readWholeStoreFile(path: string, expectedSha256: string): Promise<DocumentStore> {
  const store = new DocumentStore();
  const lines = readChecksummedLines(
    path,
    expectedSha256,
    checkedBy(storeLineSchema),
    storeFileKind,
  );
  for await (const { parent, chunks } of lines)
    store.put(parent as ParentRecord, chunks as Chunk[]);
  return store;
}
