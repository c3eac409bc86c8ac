import { crc32 } from "node:zlib";

/** The parts of a version-2 vector index file (see vector-index-file.ts), for crafting tests. */
export interface FileParts {
  /** The 64-byte header (sizes are recomputed by `assembleFile`). */
  header: Buffer;
  metadata: Record<string, unknown>;
  records: unknown[];
  vectors: Float32Array;
  keys: Buffer;
}

export function splitFile(file: Buffer): FileParts {
  const jsonBytes = file.readUInt32LE(28);
  const recordsBytes = Number(file.readBigUInt64LE(32));
  const vectorsOffset = Number(file.readBigUInt64LE(40));
  const count = file.readUInt32LE(20);
  const dimension = file.readUInt32LE(16);
  const vectorEnd = vectorsOffset + count * dimension * 4;
  const records = file
    .toString("utf8", 64 + jsonBytes, 64 + jsonBytes + recordsBytes)
    .split("\n")
    .slice(0, -1)
    .map((line) => JSON.parse(line));
  return {
    header: Buffer.from(file.subarray(0, 64)),
    metadata: JSON.parse(file.toString("utf8", 64, 64 + jsonBytes)),
    records,
    vectors: new Float32Array(new Uint8Array(file.subarray(vectorsOffset, vectorEnd)).buffer),
    keys: Buffer.from(file.subarray(vectorEnd, file.length - 4)),
  };
}

/** A file from its parts, with sizes, padding and checksum made consistent. */
export function assembleFile(parts: FileParts, rawRecords?: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(parts.metadata), "utf8");
  const records =
    rawRecords ??
    Buffer.from(parts.records.map((record) => `${JSON.stringify(record)}\n`).join(""), "utf8");
  const vectorsOffset = Math.ceil((64 + json.length + records.length) / 64) * 64;
  const header = Buffer.from(parts.header);
  header.writeUInt32LE(json.length, 28);
  header.writeBigUInt64LE(BigInt(records.length), 32);
  header.writeBigUInt64LE(BigInt(vectorsOffset), 40);
  const body = Buffer.concat([
    header,
    json,
    records,
    Buffer.alloc(vectorsOffset - 64 - json.length - records.length),
    Buffer.from(parts.vectors.buffer, parts.vectors.byteOffset, parts.vectors.byteLength),
    parts.keys,
  ]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, checksum]);
}

/** A version-1 file (the first release's layout), to check older files still load. */
export function versionOneFile(options: {
  metric: number;
  dimension: number;
  metadata: Record<string, unknown>;
  vectors: Float32Array;
}): Buffer {
  const json = Buffer.from(JSON.stringify(options.metadata), "utf8");
  const padded = Math.ceil(json.length / 4) * 4;
  const count = options.vectors.length / options.dimension;
  const file = Buffer.alloc(32 + padded + options.vectors.byteLength + 4);
  file.write("HRVECIDX", 0, "latin1");
  file.writeUInt32LE(1, 8);
  file.writeUInt32LE(options.metric, 12);
  file.writeUInt32LE(options.dimension, 16);
  file.writeUInt32LE(count, 20);
  file.writeUInt32LE(json.length, 24);
  json.copy(file, 32);
  Buffer.from(options.vectors.buffer, options.vectors.byteOffset, options.vectors.byteLength).copy(
    file,
    32 + padded,
  );
  file.writeUInt32LE(crc32(file.subarray(0, file.length - 4)), file.length - 4);
  return file;
}
