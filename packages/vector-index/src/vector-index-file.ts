import { type FileHandle, open } from "node:fs/promises";
import { endianness } from "node:os";
import { crc32 } from "node:zlib";
import { type Document, type DocumentLookup, HybridRagError } from "@hybrid-rag/core";
import { removeLeftoverTemporaryFiles, writeFileAtomically } from "@hybrid-rag/core/internal";
import { z } from "zod";
import { checkDocumentRecords, decodeRecords, encodeRecords } from "./file-records.ts";
import { int8SectionBytes } from "./int8-rows.ts";
import { type VectorMetric, vectorMetrics } from "./metric.ts";
import { decodeVectorIndexFileV1 } from "./vector-index-file-v1.ts";
import { type Int8Search, VectorStore } from "./vector-store.ts";

/**
 * File layout (version 2, little-endian):
 *   0  "HRVECIDX"                      8 bytes magic
 *   8  format version (2)              u32
 *  12  metric (0 cosine, 1 dot, 2 l2)  u32
 *  16  dimension                       u32
 *  20  vector count                    u32
 *  24  flags                           u32 (1: records are documents, else ids; 2: graph keys;
 *                                          4: int8 rows)
 *  28  metadata JSON byte length       u32 ({ name, embedder, graph? })
 *  32  records byte length             u64 (one JSON document or id per line, slot order)
 *  40  vectors offset                  u64 (the first multiple of 64 after the records)
 *  48  CRC-32 of the int8 rows section  u32 (0 without flag 4)
 *  52  reserved (0)                    12 bytes
 *  64  metadata JSON, records, zero padding up to the vectors offset
 *   …  count × dimension float32 (one read straight into the WebAssembly memory)
 *   …  with flag 4: count × dimension int8, zero padding to a multiple of 4, then per row its
 *      scale (f32), sum (i32) and squared length (f32), each as count × 4 bytes
 *   …  with flag 2: count × u64, each slot's key in the saved HNSW graph
 *   …  CRC-32 of everything before it except the int8 rows section  u32
 * The int8 section has its own checksum so that a load without quantisation skips it unread.
 */
const magic = Buffer.from("HRVECIDX", "latin1");
export const vectorIndexFormatVersion = 2;
const headerBytes = 64;
const vectorAlignment = 64;
const flagDocuments = 1;
const flagGraphKeys = 2;
const flagInt8Rows = 4;
/** Reads into the WebAssembly memory go this many bytes at a time (a read is capped at 2 GiB). */
const readChunkBytes = 2 ** 30;
/** One WebAssembly memory holds at most 4 GiB. */
const maximumVectorBytes = 2 ** 32 - 2 ** 20;

/** The HNSW graph saved beside the file (`<file>.<token>.hnsw`), as the file records it. */
export const savedGraphSchema = z.strictObject({
  file: z.string().regex(/^[^/\\]+\.[0-9a-f]{12}\.hnsw$/),
  bytes: z.number().int().min(0),
  crc32: z.number().int().min(0).max(0xffff_ffff),
  connectivity: z.number().int().min(2),
  expansionAdd: z.number().int().min(1),
  vectorType: z.enum(["f32", "f16", "i8"]),
});
export type SavedGraph = z.infer<typeof savedGraphSchema>;

const fileMetadataSchema = z.strictObject({
  name: z.string().min(1),
  embedder: z.string(),
  graph: savedGraphSchema.optional(),
});

export interface VectorIndexFileContent {
  readonly name: string;
  readonly embedderName: string;
  readonly metric: VectorMetric;
  readonly store: VectorStore<Document>;
  /** False: write only the ids (the documents live in a shared store). */
  readonly storeDocuments?: boolean;
  /** The HNSW graph saved beside the file, and each slot's key in it. */
  readonly graph?: { readonly saved: SavedGraph; readonly keys: BigUint64Array };
}

/**
 * Writes the index to `path` atomically and durably (`writeFileAtomically`: a temporary file,
 * fsynced, renamed over the target, the folder fsynced; leftovers of killed saves removed).
 * The vectors are written from the WebAssembly memory itself (no copy when the dimension is a
 * multiple of 8).
 */
export async function writeVectorIndexFile(
  path: string,
  content: VectorIndexFileContent,
): Promise<void> {
  assertLittleEndian();
  const { store, graph } = content;
  const storeDocuments = content.storeDocuments !== false;
  const records = encodeRecords(storeDocuments ? store.payloads : store.ids);
  const recordsBytes = records.reduce((total, chunk) => total + chunk.length, 0);
  const json = Buffer.from(
    JSON.stringify({
      name: content.name,
      embedder: content.embedderName,
      ...(graph ? { graph: graph.saved } : {}),
    }),
    "utf8",
  );
  const vectorsOffset = alignedVectorsOffset(json.length, recordsBytes);
  const padding = Buffer.alloc(vectorsOffset - headerBytes - json.length - recordsBytes);
  const header = Buffer.alloc(headerBytes);
  magic.copy(header, 0);
  header.writeUInt32LE(vectorIndexFormatVersion, 8);
  header.writeUInt32LE(vectorMetrics.indexOf(content.metric), 12);
  header.writeUInt32LE(store.dimension, 16);
  header.writeUInt32LE(store.size, 20);
  const int8 = store.savedInt8Parts;
  const flags =
    (storeDocuments ? flagDocuments : 0) | (graph ? flagGraphKeys : 0) | (int8 ? flagInt8Rows : 0);
  header.writeUInt32LE(flags, 24);
  header.writeUInt32LE(json.length, 28);
  header.writeBigUInt64LE(BigInt(recordsBytes), 32);
  header.writeBigUInt64LE(BigInt(vectorsOffset), 40);
  if (int8) header.writeUInt32LE(checksumOf(int8), 48);
  const checked: Uint8Array[] = [header, json, ...records, padding, store.packedRowBytes];
  const keys = graph
    ? [new Uint8Array(graph.keys.buffer, graph.keys.byteOffset, store.size * 8)]
    : [];
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32LE(checksumOf([...checked, ...keys]), 0);
  await writeFileAtomically(
    path,
    [...checked, ...(int8 ?? []), ...keys, trailer],
    "the vector index",
  );
}

export interface VectorIndexFileData {
  readonly name: string;
  readonly embedderName: string;
  readonly metric: VectorMetric;
  readonly dimension: number;
  readonly store: VectorStore<Document>;
  /** The HNSW graph saved beside the file, if any (not yet checked: see hnsw-graph-file.ts). */
  readonly graph?: { readonly saved: SavedGraph; readonly keys: BigUint64Array };
}

/**
 * Reads and checks a file written by `writeVectorIndexFile` (or a version-1 file): magic,
 * version, sizes (against the file's length, before anything is allocated), checksum, then the
 * content (documents valid with unique ids, every vector component finite) are all verified
 * before anything is returned; any failure of the content is `corrupt-data`. Leftover
 * temporary files of a save that was killed midway are removed first.
 */
export async function readVectorIndexFile(
  path: string,
  lookup: DocumentLookup | undefined,
  int8Search: Int8Search | undefined,
): Promise<VectorIndexFileData> {
  assertLittleEndian();
  await removeLeftoverTemporaryFiles(path);
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new HybridRagError(
      missing ? "not-found" : "unavailable",
      `Could not read the vector index file ${path}: ${String(error)}.`,
      { cause: error },
    );
  }
  try {
    return await readOpenFile(path, handle, lookup, int8Search);
  } finally {
    await handle.close();
  }
}

async function readOpenFile(
  path: string,
  handle: FileHandle,
  lookup: DocumentLookup | undefined,
  int8Search: Int8Search | undefined,
): Promise<VectorIndexFileData> {
  const corrupt = (problem: string) =>
    new HybridRagError("corrupt-data", `${path} is not a usable vector index file: ${problem}.`);
  const missingLookup = () =>
    new HybridRagError(
      "invalid-argument",
      `${path} was saved without its documents (storeDocuments: false): pass the store that holds them as loadVectorIndex(path, { embedder, documents }).`,
    );
  const { size } = await handle.stat();
  const header = await readBytes(handle, Math.min(size, headerBytes), 0, corrupt);
  if (size < 36 || !header.subarray(0, 8).equals(magic)) {
    throw corrupt("it does not start with the HRVECIDX header (not written by vectorIndex.save?)");
  }
  const version = header.readUInt32LE(8);
  if (version === 1) {
    const file = await readBytes(handle, size, 0, corrupt);
    const data = decodeVectorIndexFileV1(file, lookup, corrupt, missingLookup);
    const store = VectorStore.fromParts(
      data.dimension,
      data.metric,
      data.vectors,
      data.documents.map((document) => document.id),
      data.documents,
      int8Search,
    );
    return { ...data, store };
  }
  if (version !== vectorIndexFormatVersion) {
    throw new HybridRagError(
      "unsupported",
      `${path} uses vector index format version ${version}; this build reads versions 1 and ${vectorIndexFormatVersion}. Re-create the index with this version.`,
    );
  }
  if (size < headerBytes + 4) throw corrupt(`${size} bytes is shorter than its header`);
  const metric = vectorMetrics[header.readUInt32LE(12)];
  const dimension = header.readUInt32LE(16);
  const count = header.readUInt32LE(20);
  const flags = header.readUInt32LE(24);
  const jsonBytes = header.readUInt32LE(28);
  const recordsBytes = Number(header.readBigUInt64LE(32));
  const vectorsOffset = Number(header.readBigUInt64LE(40));
  if (metric === undefined) throw corrupt(`unknown metric code ${header.readUInt32LE(12)}`);
  if ((flags & ~(flagDocuments | flagGraphKeys | flagInt8Rows)) !== 0) {
    throw corrupt(`unknown flags ${flags}`);
  }
  if (dimension === 0) throw corrupt("its dimension is 0");
  const vectorBytes = count * dimension * 4;
  const keyBytes = flags & flagGraphKeys ? count * 8 : 0;
  const int8Bytes = flags & flagInt8Rows ? int8SectionBytes(count, dimension) : 0;
  const expectedLength = vectorsOffset + vectorBytes + int8Bytes + keyBytes + 4;
  if (vectorsOffset !== alignedVectorsOffset(jsonBytes, recordsBytes) || size !== expectedLength) {
    throw corrupt(
      `its header announces ${count} vectors of dimension ${dimension} after ${jsonBytes + recordsBytes} bytes of records, ${expectedLength} bytes in all, but it has ${size} (truncated?)`,
    );
  }
  if (count * Math.ceil(dimension / 8) * 32 > maximumVectorBytes) {
    throw corrupt(`${count} vectors of dimension ${dimension} exceed the 4 GiB of an index`);
  }
  const head = await readBytes(handle, vectorsOffset - headerBytes, headerBytes, corrupt);
  let checksum = crc32(head, crc32(header));
  const { store, rowBytes, int8Targets } = VectorStore.forLoading<Document>(
    dimension,
    metric,
    count,
    int8Search,
  );
  await readInto(handle, rowBytes, vectorsOffset, corrupt);
  checksum = crc32(rowBytes, checksum);
  const int8Loaded = int8Bytes > 0 && int8Targets !== undefined;
  if (int8Loaded) {
    let position = vectorsOffset + vectorBytes;
    for (const target of int8Targets) {
      await readInto(handle, target, position, corrupt);
      position += target.length;
    }
    if (checksumOf(int8Targets) !== header.readUInt32LE(48)) {
      throw corrupt("the checksum of its int8 rows does not match (modified or damaged)");
    }
  }
  let keys: BigUint64Array | undefined;
  if (keyBytes > 0) {
    keys = new BigUint64Array(count);
    const bytes = new Uint8Array(keys.buffer);
    await readInto(handle, bytes, vectorsOffset + vectorBytes + int8Bytes, corrupt);
    checksum = crc32(bytes, checksum);
  }
  const trailer = await readBytes(handle, 4, size - 4, corrupt);
  if (checksum !== trailer.readUInt32LE(0)) {
    throw corrupt("the checksum does not match (the file was modified or damaged)");
  }
  const metadata = parseMetadata(head.toString("utf8", 0, jsonBytes), corrupt);
  if ((metadata.graph !== undefined) !== (keys !== undefined)) {
    throw corrupt("its graph description and its graph keys do not come together");
  }
  const records = decodeRecords(head.subarray(jsonBytes, jsonBytes + recordsBytes), count, corrupt);
  const { ids, payloads } =
    flags & flagDocuments
      ? documentsOf(records, corrupt)
      : resolveIds(records, lookup, corrupt, missingLookup);
  const slotById = new Map<string, number>();
  for (let slot = 0; slot < ids.length; slot++) {
    const id = ids[slot]!;
    if (slotById.has(id)) throw corrupt(`document ${slot} repeats the id ${JSON.stringify(id)}`);
    slotById.set(id, slot);
  }
  const int8Problem = int8Loaded ? store.adoptLoadedInt8(count) : undefined;
  if (int8Problem !== undefined) throw corrupt(int8Problem);
  const bad = store.adoptLoadedRows(ids, payloads, slotById, int8Loaded);
  if (bad) {
    throw corrupt(
      `the vector of document ${JSON.stringify(ids[bad.slot])} has ${bad.value} at position ${bad.position}; vectors must be finite`,
    );
  }
  return {
    name: metadata.name,
    embedderName: metadata.embedder,
    metric,
    dimension,
    store,
    ...(metadata.graph && keys ? { graph: { saved: metadata.graph, keys } } : {}),
  };
}

function parseMetadata(
  text: string,
  corrupt: (problem: string) => Error,
): z.infer<typeof fileMetadataSchema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(`its metadata is not JSON (${(error as Error).message})`);
  }
  const parsed = fileMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    throw corrupt(`its metadata is not valid: ${field}: ${issue.message}`);
  }
  return parsed.data;
}

function documentsOf(
  records: unknown[],
  corrupt: (problem: string) => Error,
): { ids: string[]; payloads: Document[] } {
  const problem = checkDocumentRecords(records);
  if (problem !== undefined) throw corrupt(problem);
  const payloads = records as Document[];
  return { ids: payloads.map((document) => document.id), payloads };
}

/** The documents of a file saved without them, found by id in the shared store. */
function resolveIds(
  records: unknown[],
  lookup: DocumentLookup | undefined,
  corrupt: (problem: string) => Error,
  missingLookup: () => Error,
): { ids: string[]; payloads: Document[] } {
  const ids = records as string[];
  const notString = records.findIndex((id) => typeof id !== "string");
  if (notString !== -1) throw corrupt(`record ${notString} is not an id (a JSON string)`);
  if (lookup === undefined) throw missingLookup();
  const payloads = ids.map((id, slot) => {
    const document = lookup.get(id);
    if (document === undefined)
      throw corrupt(`vector ${slot} (${JSON.stringify(id)}) is not in the given document store`);
    return document;
  });
  return { ids, payloads };
}

function checksumOf(chunks: readonly Uint8Array[]): number {
  let checksum = 0;
  for (const chunk of chunks) checksum = crc32(chunk, checksum);
  return checksum;
}

function alignedVectorsOffset(jsonBytes: number, recordsBytes: number): number {
  return Math.ceil((headerBytes + jsonBytes + recordsBytes) / vectorAlignment) * vectorAlignment;
}

async function readBytes(
  handle: FileHandle,
  length: number,
  position: number,
  corrupt: (problem: string) => Error,
): Promise<Buffer> {
  const bytes = Buffer.alloc(length);
  await readInto(handle, bytes, position, corrupt);
  return bytes;
}

/** Fills `target` from `position` on, a gigabyte per read at most. */
async function readInto(
  handle: FileHandle,
  target: Uint8Array,
  position: number,
  corrupt: (problem: string) => Error,
): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const length = Math.min(readChunkBytes, target.length - done);
    const { bytesRead } = await handle.read(target, done, length, position + done);
    if (bytesRead === 0) throw corrupt("it ended early (truncated while being read?)");
    done += bytesRead;
  }
}

function assertLittleEndian(): void {
  if (endianness() !== "LE") {
    throw new HybridRagError(
      "unsupported",
      "The vector index file format is little-endian; this machine is big-endian.",
    );
  }
}
