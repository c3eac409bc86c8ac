import { documentSchema } from "@hybrid-rag/core";

/** Records are decoded this many bytes at a time (far below V8's string-length limit). */
const decodeChunkBytes = 32 * 2 ** 20;
const newline = 0x0a;

/**
 * One JSON value per line, each line ending in "\n" (JSON.stringify never writes a raw newline,
 * so a line is always exactly one record). Encoded in chunks so no string nears V8's limit.
 */
export function encodeRecords(records: readonly unknown[], perChunk = 65_536): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < records.length; start += perChunk) {
    let text = "";
    const end = Math.min(records.length, start + perChunk);
    for (let index = start; index < end; index++) text += `${JSON.stringify(records[index])}\n`;
    chunks.push(Buffer.from(text, "utf8"));
  }
  return chunks;
}

/**
 * Decodes exactly `count` records written by `encodeRecords`, `chunkBytes` of text at a time
 * (a longer record is one chunk of its own); `problem` gets the first thing wrong (a line
 * that is not JSON, too many or too few lines). Memory: the parsed values plus one chunk.
 */
export function decodeRecords(
  bytes: Buffer,
  count: number,
  problem: (message: string) => Error,
  chunkBytes = decodeChunkBytes,
): unknown[] {
  const records: unknown[] = [];
  if (bytes.length > 0 && bytes[bytes.length - 1] !== newline) {
    throw problem("the last record does not end with a newline (truncated?)");
  }
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(bytes.length, start + chunkBytes);
    if (end < bytes.length) {
      const lastNewline = bytes.lastIndexOf(newline, end - 1);
      end = lastNewline >= start ? lastNewline + 1 : bytes.indexOf(newline, end) + 1;
    }
    let text: string;
    try {
      text = bytes.toString("utf8", start, end);
    } catch (error) {
      throw problem(`record ${records.length} is too long to decode (${(error as Error).message})`);
    }
    const lines = text.split("\n");
    lines.pop(); // the text ends with "\n": the last piece is empty
    if (records.length + lines.length > count) {
      throw problem(`it holds more than the ${count} records its header announces`);
    }
    for (const line of lines) {
      try {
        records.push(JSON.parse(line));
      } catch (error) {
        throw problem(`record ${records.length} is not JSON (${(error as Error).message})`);
      }
    }
    start = end;
  }
  if (records.length !== count) {
    throw problem(`it holds ${records.length} records, its header announces ${count}`);
  }
  return records;
}

/**
 * The first invalid document among `records`, described for an error message. core's
 * `documentSchema` is the definition; `isPlainDocument` only lets the common case skip it
 * (a tenth of the cost at a million documents), so it must never accept what the schema refuses.
 */
export function checkDocumentRecords(records: readonly unknown[]): string | undefined {
  for (let slot = 0; slot < records.length; slot++) {
    if (isPlainDocument(records[slot])) continue;
    const parsed = documentSchema.safeParse(records[slot]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length > 0 ? issue.path.join(".") : "(root)";
      return `document ${slot} is not valid: ${field}: ${issue.message}`;
    }
  }
  return undefined;
}

/** Ids with no control character and no surrogate at all (astral characters take the slow path). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const plainId = /^[^\u0000-\u001f\u007f\ud800-\udfff]+$/;
const documentKeys = new Set(["id", "text", "title", "metadata"]);

/**
 * True for a value JSON.parse returned that certainly satisfies `documentSchema`; false means
 * "ask the schema". At most 170 UTF-16 units without surrogates are at most 510 UTF-8 bytes.
 */
export function isPlainDocument(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!documentKeys.has(key)) return false;
  const { id, text, title, metadata } = record;
  if (typeof id !== "string" || id.length > 170 || !plainId.test(id)) return false;
  if (typeof text !== "string") return false;
  if (title !== undefined && typeof title !== "string") return false;
  return metadata === undefined || (isPlainObject(metadata) && isPlainJson(metadata, 0));
}

function isPlainObject(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}

/** Strings, booleans, null, finite numbers (1e999 parses to Infinity), arrays and objects of them. */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > 32) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!isPlainJson(item, depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return false;
    if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
