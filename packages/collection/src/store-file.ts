import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Chunk } from "@hybrid-rag/chunking";
import { documentSchema, HybridRagError } from "@hybrid-rag/core";
import { z } from "zod";
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

/** Reads a store file, checking its SHA-256 against the manifest and every line's shape. */
export async function readStoreFile(path: string, expectedSha256: string): Promise<DocumentStore> {
  const store = new DocumentStore();
  const hash = createHash("sha256");
  const lines = createInterface({
    input: createReadStream(path, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      hash.update(`${line}\n`);
      const parsed = lineSchema.safeParse(JSON.parse(line));
      if (!parsed.success)
        throw new Error(`line ${lineNumber}: ${parsed.error.issues[0]?.message}`);
      const { parent, chunks } = parsed.data;
      store.put(parent as ParentRecord, chunks as Chunk[]);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new HybridRagError(
        "corrupt-data",
        `${path} is missing: the version folder the manifest names was removed or moved. Restore it from a backup or re-ingest the documents.`,
        { cause: error },
      );
    }
    throw new HybridRagError(
      "corrupt-data",
      `${path} is not a usable document store: ${error instanceof Error ? error.message : String(error)}. Re-ingest the documents.`,
      { cause: error },
    );
  }
  if (hash.digest("hex") !== expectedSha256) {
    throw new HybridRagError(
      "corrupt-data",
      `${path} does not match the checksum in the manifest (modified or truncated); re-ingest the documents.`,
    );
  }
  return store;
}
