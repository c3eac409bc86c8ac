import { crc32 } from "node:zlib";
import { type Document, type DocumentLookup, documentSchema } from "@hybrid-rag/core";
import { z } from "zod";
import { type VectorMetric, vectorMetrics } from "./metric.ts";

/**
 * Format version 1 (the first release), read for compatibility; saves always write the current
 * version. Layout, little-endian:
 *   0  "HRVECIDX"                     8 bytes magic
 *   8  format version (1)             u32
 *  12  metric (0 cosine, 1 dot, 2 l2) u32
 *  16  dimension                      u32
 *  20  vector count                   u32
 *  24  JSON byte length               u32 ({ name, embedder, documents } in slot order, or
 *                                         { name, embedder, ids } when saved without documents)
 *  28  reserved (0)                   u32
 *  32  JSON, zero-padded to a multiple of 4
 *   …  count × dimension float32
 *   …  CRC-32 of everything before it u32
 * Its documents are one JSON string, which nears V8's string-length limit at a million
 * documents: re-save such an index to get version 2.
 */
const headerBytes = 32;

const fileMetadataSchema = z.strictObject({
  name: z.string().min(1),
  embedder: z.string(),
  documents: z.array(documentSchema).optional(),
  ids: z.array(z.string()).optional(),
});

export interface VectorIndexFileV1Data {
  readonly name: string;
  readonly embedderName: string;
  readonly metric: VectorMetric;
  readonly dimension: number;
  readonly vectors: Float32Array;
  readonly documents: Document[];
}

/**
 * Checks and decodes a whole version-1 file (magic and version already checked by the caller):
 * sizes, checksum, then the content (valid documents with unique ids, finite vectors); any
 * failure is reported through `corrupt`.
 */
export function decodeVectorIndexFileV1(
  file: Buffer,
  lookup: DocumentLookup | undefined,
  corrupt: (problem: string) => Error,
  missingLookup: () => Error,
): VectorIndexFileV1Data {
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
  let documents = metadata.documents as Document[] | undefined;
  if (documents === undefined) {
    if (metadata.ids === undefined) throw corrupt("it holds neither documents nor ids");
    if (lookup === undefined) throw missingLookup();
    documents = metadata.ids.map((id, slot) => {
      const document = lookup.get(id);
      if (document === undefined)
        throw corrupt(`vector ${slot} (${JSON.stringify(id)}) is not in the given document store`);
      return document;
    });
  }
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
    documents,
  };
}
