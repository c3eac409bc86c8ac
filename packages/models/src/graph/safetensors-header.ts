import { HybridRagError } from "@hybrid-rag/core";

/** Bytes per element of every dtype the safetensors format defines. */
const dtypeSizes: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

/** safetensors' own limit (MAX_HEADER_SIZE in the Rust crate): larger headers are refused unread. */
export const maxHeaderBytes = 100_000_000;

/** One tensor as the header describes it; offsets are relative to the data section. */
export interface HeaderTensor {
  readonly name: string;
  /** As stored: "F32", "F16", "BF16", or a non-float dtype (I64 position ids, …). */
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Reads the 8-byte little-endian header length and checks it against the file size, before
 * anything else is read: a length that does not fit is the first sign of a lying header.
 */
export function headerLengthOf(prefix: Uint8Array, fileSize: number, file: string): number {
  if (fileSize < 8 || prefix.byteLength < 8) {
    throw corrupt(file, `is ${fileSize} bytes, shorter than the 8-byte header length`);
  }
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(fileSize - 8)) {
    throw corrupt(
      file,
      `declares a ${length}-byte header, larger than the file (${fileSize} bytes)`,
    );
  }
  if (length > BigInt(maxHeaderBytes)) {
    throw corrupt(
      file,
      `declares a ${length}-byte header; safetensors headers are at most ${maxHeaderBytes} bytes`,
    );
  }
  return Number(length);
}

/**
 * Parses and validates a safetensors JSON header: UTF-8, a JSON object of
 * `{name: {dtype, shape, data_offsets: [begin, end]}}` (plus `__metadata__`), every dtype known,
 * every byte length equal to shape × dtype size, offsets inside the `dataLength`-byte data
 * section, no two tensors overlapping. Anything else is `corrupt-data` naming file and tensor.
 */
export function parseSafetensorsHeader(
  headerBytes: Uint8Array,
  dataLength: number,
  file: string,
): Map<string, HeaderTensor> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    throw corrupt(file, "has a header that is not valid UTF-8");
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, `has a header that is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw corrupt(file, "has a header that is not a JSON object");
  }
  const tensors = new Map<string, HeaderTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    tensors.set(name, parseEntry(name, entry, dataLength, file));
  }
  const byOffset = [...tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let index = 1; index < byOffset.length; index++) {
    const previous = byOffset[index - 1]!;
    const current = byOffset[index]!;
    if (current.begin < previous.end) {
      throw corrupt(
        file,
        `has overlapping tensors: "${previous.name}" [${previous.begin}, ${previous.end}) and "${current.name}" [${current.begin}, ${current.end})`,
      );
    }
  }
  return tensors;
}

function parseEntry(name: string, entry: unknown, dataLength: number, file: string): HeaderTensor {
  const where = `tensor "${name}"`;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw corrupt(file, `${where}: the header entry is not an object`);
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (
    typeof dtype !== "string" ||
    dtypeSizes[dtype] === undefined ||
    !Object.hasOwn(dtypeSizes, dtype)
  ) {
    throw corrupt(
      file,
      `${where} has dtype ${JSON.stringify(dtype)}, not one safetensors defines (${Object.keys(dtypeSizes).join(", ")})`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw corrupt(
      file,
      `${where} has shape ${JSON.stringify(shape)}, not a list of non-negative integers`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw corrupt(file, `${where} has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLength) {
    throw corrupt(
      file,
      `${where} has data_offsets [${begin}, ${end}] outside the ${dataLength}-byte data section`,
    );
  }
  const elements = shape.reduce((product: number, dim: number) => product * dim, 1);
  const expected = elements * dtypeSizes[dtype];
  if (!Number.isSafeInteger(expected) || expected !== end - begin) {
    throw corrupt(
      file,
      `${where}: shape [${shape.join(", ")}] × ${dtype} is ${expected} bytes, but its offsets span ${end - begin}`,
    );
  }
  return { name, dtype, shape, begin, end };
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function corrupt(file: string, what: string): HybridRagError {
  return new HybridRagError(
    "corrupt-data",
    `${file} ${what}. The safetensors file is damaged or not a safetensors file: download or save it again.`,
  );
}
