import { createHash, randomBytes } from "node:crypto";
import { open, rename } from "node:fs/promises";
import { join } from "node:path";
import type { Chunk } from "@hybrid-rag/chunking";
import { documentSchema, HybridRagError } from "@hybrid-rag/core";
import { z } from "zod";
import { checkedBy, readChecksummedLines } from "./checksummed-lines.ts";
import type { ParentRecord } from "./document-store.ts";
import { parentRecordSchema } from "./store-line-schema.ts";

/**
 * A segment: what one checkpoint (or one incremental ingest) changed on top of a version
 * folder, as JSON Lines — a parent written (its record, its chunks and, with a dense side, the
 * chunks' vectors so that opening never re-embeds) or a parent deleted. Immutable once named in
 * the manifest; a version's segments are applied in order, a later line winning.
 */
export type SegmentEntry =
  | {
      readonly parent: ParentRecord;
      readonly chunks: readonly Chunk[];
      /** The chunks' vectors, one after another (float32, little-endian, base64); null: BM25-only. */
      readonly vectors: string | null;
    }
  | { readonly deleted: string };

const entrySchema = z.union([
  z.strictObject({
    parent: parentRecordSchema,
    chunks: z.array(documentSchema),
    vectors: z.string().nullable(),
  }),
  z.strictObject({ deleted: z.string() }),
]);

/** Segment file names: `segment-<manifest version>-<random>.jsonl`, in the collection directory. */
export const segmentFilePattern = /^segment-\d{6}-[0-9a-f]{8}\.jsonl(\.tmp)?$/;

export interface WrittenSegment {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * Writes a segment under a temporary name, flushes it and renames it into place (a segment file
 * with its final name is always complete); the manifest swap that names it is the commit point.
 */
export async function writeSegmentFile(
  directory: string,
  version: number,
  entries: Iterable<SegmentEntry>,
): Promise<WrittenSegment> {
  const file = `segment-${String(version).padStart(6, "0")}-${randomBytes(4).toString("hex")}.jsonl`;
  const temporary = join(directory, `${file}.tmp`);
  const hash = createHash("sha256");
  let bytes = 0;
  const handle = await open(temporary, "wx");
  try {
    let buffered: string[] = [];
    let length = 0;
    const flush = async () => {
      const data = buffered.join("");
      hash.update(data);
      bytes += Buffer.byteLength(data);
      await handle.write(data);
      buffered = [];
      length = 0;
    };
    for (const entry of entries) {
      const line = `${JSON.stringify(entry)}\n`;
      buffered.push(line);
      length += line.length;
      if (length > 1 << 20) await flush();
    }
    await flush();
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, join(directory, file));
  return { file, sha256: hash.digest("hex"), bytes };
}

const segmentFileKind = {
  what: "a usable checkpoint segment",
  whenMissing:
    "the manifest names this checkpoint segment. Restore the collection folder from a backup or re-ingest the documents.",
};

/** Reads a segment's entries in order, checking its SHA-256 against the manifest's. */
export function readSegmentFile(
  path: string,
  expectedSha256: string,
): AsyncGenerator<SegmentEntry> {
  return readChecksummedLines(
    path,
    expectedSha256,
    (value) => checkedBy(entrySchema)(value) as SegmentEntry,
    segmentFileKind,
  );
}

/** A segment line as `readParentRecords` needs it: the parent record or the deletion. */
export type SegmentParentEntry = { readonly parent: ParentRecord } | { readonly deleted: string };

const deletionSchema = z.strictObject({ deleted: z.string() });
const parentOfLine = checkedBy(parentRecordSchema);

/**
 * Reads a segment's parent records and deletions in order, checking its SHA-256 against the
 * manifest's like `readSegmentFile`, but without validating (or keeping) the chunks and vectors:
 * an incremental ingest that finds nothing changed needs no more.
 */
export function readSegmentParents(
  path: string,
  expectedSha256: string,
): AsyncGenerator<SegmentParentEntry> {
  return readChecksummedLines(
    path,
    expectedSha256,
    (value): SegmentParentEntry => {
      const line = value as { parent?: unknown };
      if (line !== null && typeof line === "object" && "parent" in line) {
        return { parent: parentOfLine(line.parent) as ParentRecord };
      }
      return checkedBy(deletionSchema)(value);
    },
    segmentFileKind,
  );
}

/** Float32 vectors → base64 (little-endian, as every platform Node runs on). */
export function encodeVectors(vectors: readonly Float32Array[]): string {
  const buffers = vectors.map((vector) =>
    Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
  );
  return Buffer.concat(buffers).toString("base64");
}

export function decodeVectors(encoded: string, count: number, dimension: number): Float32Array[] {
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.byteLength !== count * dimension * 4) {
    throw new HybridRagError(
      "corrupt-data",
      `A checkpoint segment holds ${bytes.byteLength} bytes of vectors for ${count} chunks of ${dimension} dimensions; re-ingest the documents.`,
    );
  }
  const all = new Float32Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  return Array.from({ length: count }, (_, row) =>
    all.subarray(row * dimension, (row + 1) * dimension),
  );
}
