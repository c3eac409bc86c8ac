import { readFile } from "node:fs/promises";
import { endianness } from "node:os";
import { crc32 } from "node:zlib";
import {
  type Document,
  type DocumentLookup,
  documentSchema,
  HybridRagError,
  removeLeftoverTemporaryFiles,
  writeFileAtomically,
} from "@hybrid-rag/core";
import { z } from "zod";
import { type VectorMetric, vectorMetrics } from "./metric.ts";
import type { VectorStore } from "./vector-store.ts";

/**
 * File layout (version 1, little-endian):
 *   0  "HRVECIDX"                     8 bytes magic
 *   8  format version                 u32
 *  12  metric (0 cosine, 1 dot, 2 l2) u32
 *  16  dimension                      u32
 *  20  vector count                   u32
 *  24  JSON byte length               u32 ({ name, embedder, documents } in slot order, or
 *                                         { name, embedder, ids } when saved without documents)
 *  28  reserved (0)                   u32
 *  32  JSON, zero-padded to a multiple of 4
 *   …  count × dimension float32
 *   …  CRC-32 of everything before it u32
 */
const magic = Buffer.from("HRVECIDX", "latin1");
export const vectorIndexFormatVersion = 1;
const headerBytes = 32;

const fileMetadataSchema = z.strictObject({
  name: z.string().min(1),
  embedder: z.string(),
  documents: z.array(documentSchema).optional(),
  ids: z.array(z.string()).optional(),
});

export interface VectorIndexFileContent {
  readonly name: string;
  readonly embedderName: string;
  readonly metric: VectorMetric;
  readonly store: VectorStore<Document>;
  /** False: write only the ids (the documents live in a shared store). */
  readonly storeDocuments?: boolean;
}

/**
 * Writes the index to `path` atomically and durably (`writeFileAtomically`: a temporary file,
 * fsynced, renamed over the target, the folder fsynced; leftovers of killed saves removed).
 */
export async function writeVectorIndexFile(
  path: string,
  content: VectorIndexFileContent,
): Promise<void> {
  assertLittleEndian();
  const { store } = content;
  const json = Buffer.from(
    JSON.stringify({
      name: content.name,
      embedder: content.embedderName,
      ...(content.storeDocuments === false ? { ids: store.ids } : { documents: store.payloads }),
    }),
    "utf8",
  );
  const paddedJsonBytes = Math.ceil(json.length / 4) * 4;
  const vectorBytes = store.size * store.dimension * 4;
  const file = Buffer.alloc(headerBytes + paddedJsonBytes + vectorBytes + 4);
  magic.copy(file, 0);
  file.writeUInt32LE(vectorIndexFormatVersion, 8);
  file.writeUInt32LE(vectorMetrics.indexOf(content.metric), 12);
  file.writeUInt32LE(store.dimension, 16);
  file.writeUInt32LE(store.size, 20);
  file.writeUInt32LE(json.length, 24);
  json.copy(file, headerBytes);
  const vectors = store.vectors;
  Buffer.from(vectors.buffer, vectors.byteOffset, vectorBytes).copy(
    file,
    headerBytes + paddedJsonBytes,
  );
  file.writeUInt32LE(crc32(file.subarray(0, file.length - 4)), file.length - 4);
  await writeFileAtomically(path, [file], "the vector index");
}

export interface VectorIndexFileData {
  readonly name: string;
  readonly embedderName: string;
  readonly metric: VectorMetric;
  readonly dimension: number;
  readonly vectors: Float32Array;
  readonly documents: Document[];
}

/**
 * Reads and checks a file written by `writeVectorIndexFile`: magic, version, sizes, checksum,
 * then the content itself (documents valid with unique ids and text, every vector component
 * finite) are all verified before anything is returned; any failure of the content is
 * `corrupt-data`. Leftover temporary files of a save that was killed midway are removed first.
 */
export async function readVectorIndexFile(
  path: string,
  lookup?: DocumentLookup,
): Promise<VectorIndexFileData> {
  assertLittleEndian();
  await removeLeftoverTemporaryFiles(path);
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new HybridRagError(
      missing ? "not-found" : "unavailable",
      `Could not read the vector index file ${path}: ${String(error)}.`,
      { cause: error },
    );
  }
  const corrupt = (problem: string) =>
    new HybridRagError("corrupt-data", `${path} is not a usable vector index file: ${problem}.`);
  if (file.length < headerBytes + 4 || !file.subarray(0, 8).equals(magic)) {
    throw corrupt("it does not start with the HRVECIDX header (not written by vectorIndex.save?)");
  }
  const version = file.readUInt32LE(8);
  if (version !== vectorIndexFormatVersion) {
    throw new HybridRagError(
      "unsupported",
      `${path} uses vector index format version ${version}; this build reads version ${vectorIndexFormatVersion}. Re-create the index with this version.`,
    );
  }
  const metric = vectorMetrics[file.readUInt32LE(12)];
  const dimension = file.readUInt32LE(16);
  const count = file.readUInt32LE(20);
  const jsonBytes = file.readUInt32LE(24);
  const vectorStart = headerBytes + Math.ceil(jsonBytes / 4) * 4;
  const expectedLength = vectorStart + count * dimension * 4 + 4;
  if (metric === undefined) throw corrupt(`unknown metric code ${file.readUInt32LE(12)}`);
  if (dimension === 0 || file.length !== expectedLength) {
    throw corrupt(
      `expected ${expectedLength} bytes for ${count} vectors of dimension ${dimension}, found ${file.length} (truncated?)`,
    );
  }
  if (crc32(file.subarray(0, file.length - 4)) !== file.readUInt32LE(file.length - 4)) {
    throw corrupt("the checksum does not match (the file was modified or damaged)");
  }
  let json: unknown;
  try {
    json = JSON.parse(file.toString("utf8", headerBytes, headerBytes + jsonBytes));
  } catch (error) {
    throw corrupt(`its metadata is not JSON (${(error as Error).message})`);
  }
  const parsed = fileMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    const more =
      parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : "";
    throw corrupt(`its metadata is not valid: ${field}: ${issue.message}${more}`);
  }
  const metadata = parsed.data;
  const documents = metadata.documents ?? resolveDocuments(path, metadata.ids, lookup, corrupt);
  if (documents.length !== count) {
    throw corrupt(`${documents.length} documents for ${count} vectors`);
  }
  const ids = new Set<string>();
  for (const [slot, { id }] of documents.entries()) {
    if (ids.has(id)) throw corrupt(`document ${slot} repeats the id ${JSON.stringify(id)}`);
    ids.add(id);
  }
  // Copy out of the file buffer: its offset is not guaranteed to be 4-byte aligned.
  const vectors = new Float32Array(count * dimension);
  new Uint8Array(vectors.buffer).set(
    file.subarray(vectorStart, vectorStart + count * dimension * 4),
  );
  const bad = vectors.findIndex((value) => !Number.isFinite(value));
  if (bad !== -1) {
    const slot = Math.floor(bad / dimension);
    throw corrupt(
      `the vector of document ${JSON.stringify(documents[slot]!.id)} has ${vectors[bad]} at position ${bad % dimension}; vectors must be finite`,
    );
  }
  return {
    name: metadata.name,
    embedderName: metadata.embedder,
    metric,
    dimension,
    vectors,
    documents: documents as Document[],
  };
}

/** The documents of a file saved without them, found by id in the shared store. */
function resolveDocuments(
  path: string,
  ids: readonly string[] | undefined,
  lookup: DocumentLookup | undefined,
  corrupt: (problem: string) => HybridRagError,
): Document[] {
  if (ids === undefined) throw corrupt("it holds neither documents nor ids");
  if (lookup === undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `${path} was saved without its documents (storeDocuments: false): pass the store that holds them as loadVectorIndex(path, { embedder, documents }).`,
    );
  }
  return ids.map((id, slot) => {
    const document = lookup.get(id);
    if (document === undefined)
      throw corrupt(`vector ${slot} (${JSON.stringify(id)}) is not in the given document store`);
    return document;
  });
}

function assertLittleEndian(): void {
  if (endianness() !== "LE") {
    throw new HybridRagError(
      "unsupported",
      "The vector index file format is little-endian; this machine is big-endian.",
    );
  }
}
