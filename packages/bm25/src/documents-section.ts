import { isUtf8 } from "node:buffer";
import { type Document, documentSchema } from "@hybrid-rag/core";
import { jsonNestingExceeds } from "@hybrid-rag/core/internal";
import type { DocumentTable } from "./document-table.ts";
import { corrupt } from "./file-errors.ts";
import {
  absentField,
  fieldsPerDocument,
  recordBytes,
  StoredDocuments,
} from "./stored-documents.ts";

type Metadata = NonNullable<Document["metadata"]>;

/**
 * Format 4's documents section, binary (all integers little-endian):
 *   u32[n × 4] per document the UTF-8 byte lengths of id, title, text, metadata JSON
 *   (0xFFFFFFFF: no title / no metadata) | the fields' bytes, document after document.
 * With `idsOnly` (an index saved with `storeDocuments: false`): u32[n] id lengths | the ids.
 * Every field is valid UTF-8 on its own, so the reader checks the whole run of bytes with one
 * native `isUtf8` call plus a look at the first byte of each field.
 */
const batchSize = 8192;
const metadataMaxDepth = 64;
const metadataSchema = documentSchema.shape.metadata;

/** The section's bytes as chunks (no single buffer of all documents). */
export function encodeDocumentsSection(documents: DocumentTable, idsOnly: boolean): Buffer[] {
  const perDocument = idsOnly ? 1 : fieldsPerDocument;
  const fieldBytes = new Uint32Array(documents.length * perDocument);
  const chunks: Buffer[] = [Buffer.from(fieldBytes.buffer)];
  for (let first = 0; first < documents.length; first += batchSize) {
    const last = Math.min(documents.length, first + batchSize);
    let total = 0;
    for (let number = first; number < last; number++) {
      const at = number * perDocument;
      const record = documents.storedRecord(number);
      if (record !== undefined) {
        if (idsOnly) fieldBytes[at] = record.fieldBytes[0]!;
        else fieldBytes.set(record.fieldBytes, at);
      } else {
        const document = documents.get(number)!;
        fieldBytes[at] = Buffer.byteLength(document.id, "utf8");
        if (!idsOnly) {
          fieldBytes[at + 1] = byteLengthOrAbsent(document.title);
          fieldBytes[at + 2] = Buffer.byteLength(document.text, "utf8");
          fieldBytes[at + 3] = byteLengthOrAbsent(metadataJson(document));
        }
      }
      total += idsOnly ? fieldBytes[at]! : recordBytes(fieldBytes, at);
    }
    const chunk = Buffer.allocUnsafe(total);
    let offset = 0;
    for (let number = first; number < last; number++) {
      const record = documents.storedRecord(number);
      if (record !== undefined) {
        const bytes = idsOnly ? record.bytes.subarray(0, record.fieldBytes[0]!) : record.bytes;
        offset += bytes.copy(chunk, offset);
        continue;
      }
      const document = documents.get(number)!;
      offset += chunk.write(document.id, offset, "utf8");
      if (idsOnly) continue;
      if (document.title !== undefined) offset += chunk.write(document.title, offset, "utf8");
      offset += chunk.write(document.text, offset, "utf8");
      const metadata = metadataJson(document);
      if (metadata !== undefined) offset += chunk.write(metadata, offset, "utf8");
    }
    chunks.push(chunk);
  }
  return chunks;
}

function metadataJson(document: Document): string | undefined {
  return document.metadata === undefined ? undefined : JSON.stringify(document.metadata);
}

function byteLengthOrAbsent(text: string | undefined): number {
  return text === undefined ? absentField : Buffer.byteLength(text, "utf8");
}

/**
 * Checks a stored documents section completely (after the file's checksum, since a crafted
 * file can carry a valid one): lengths that tile the bytes exactly, valid UTF-8 fields, ids
 * that `documentIdSchema` accepts, metadata that parses and fits the metadata schema. Ids are
 * checked for uniqueness when the index registers them. Any problem is `corrupt-data`.
 */
export function readStoredDocuments(path: string, section: Buffer, count: number): StoredDocuments {
  const fieldBytes = fieldTable(path, section, count, fieldsPerDocument);
  const blob = section.subarray(fieldBytes.byteLength);
  if (!isUtf8(blob)) throw corrupt(path, "the documents section is not valid UTF-8");
  const starts = new Float64Array(count);
  let metadata: Array<Metadata | undefined> | undefined;
  let position = 0;
  for (let number = 0; number < count; number++) {
    starts[number] = position;
    const at = number * fieldsPerDocument;
    checkId(path, blob, position, fieldBytes[at]!, number);
    for (let field = at; field < at + fieldsPerDocument; field++) {
      const bytes = fieldBytes[field]!;
      if (bytes === absentField) {
        // The id was checked above; only the title and the metadata may be absent.
        if (field === at + 2) throw corrupt(path, `document ${number} has no text`);
        continue;
      }
      if (bytes > blob.length - position) {
        throw corrupt(path, `document ${number} runs past the end of the documents section`);
      }
      // With the whole run valid UTF-8, a field that starts on a character boundary is too.
      if (bytes > 0 && (blob[position]! & 0xc0) === 0x80) {
        throw corrupt(path, `a field of document ${number} starts inside a UTF-8 character`);
      }
      position += bytes;
    }
    const metadataBytes = fieldBytes[at + 3]!;
    if (metadataBytes !== absentField) {
      // Filled, not `new Array(count)`: past 100,000 slots V8 would make that a slow dictionary.
      metadata ??= Array.from({ length: count }, () => undefined);
      metadata[number] = parseMetadata(path, blob, position - metadataBytes, position, number);
    }
  }
  if (position !== blob.length) {
    throw corrupt(path, "the documents section has bytes after its last document");
  }
  return new StoredDocuments(blob, fieldBytes, starts, metadata);
}

/** The ids of an ids-only section (`storeDocuments: false`), checked as `readStoredDocuments` does. */
export function readDocumentIds(path: string, section: Buffer, count: number): string[] {
  const idBytes = fieldTable(path, section, count, 1);
  const blob = section.subarray(idBytes.byteLength);
  if (!isUtf8(blob)) throw corrupt(path, "the documents section is not valid UTF-8");
  const ids: string[] = [];
  let position = 0;
  for (let number = 0; number < count; number++) {
    const bytes = idBytes[number]!;
    if (bytes > blob.length - position) {
      throw corrupt(path, `document ${number} runs past the end of the documents section`);
    }
    checkId(path, blob, position, bytes, number);
    if ((blob[position]! & 0xc0) === 0x80) {
      throw corrupt(path, `the id of document ${number} starts inside a UTF-8 character`);
    }
    ids.push(blob.toString("utf8", position, position + bytes));
    position += bytes;
  }
  if (position !== blob.length) {
    throw corrupt(path, "the documents section has bytes after its last document");
  }
  return ids;
}

/** The u32 length table at the start of the section (a view when aligned, as saved). */
function fieldTable(path: string, section: Buffer, count: number, perDocument: number) {
  const tableBytes = count * perDocument * 4;
  if (section.length < tableBytes) {
    throw corrupt(path, "the documents section is shorter than its table of field lengths");
  }
  if (section.byteOffset % 4 === 0) {
    return new Uint32Array(section.buffer, section.byteOffset, count * perDocument);
  }
  return new Uint32Array(new Uint8Array(section.subarray(0, tableBytes)).buffer);
}

/**
 * `documentIdSchema` on the id's UTF-8 bytes (already known to be valid UTF-8, so without lone
 * surrogates): 1 to 512 bytes, no control character (U+0000–U+001F, U+007F: single bytes in
 * UTF-8; no byte of a multi-byte character is below 0x80).
 */
function checkId(path: string, blob: Buffer, start: number, bytes: number, number: number): void {
  if (bytes === 0 || bytes > 512) {
    throw corrupt(path, `document ${number} (id) is not valid: it must be 1 to 512 UTF-8 bytes`);
  }
  if (bytes > blob.length - start) {
    throw corrupt(path, `document ${number} runs past the end of the documents section`);
  }
  for (let position = start; position < start + bytes; position++) {
    const byte = blob[position]!;
    if (byte < 0x20 || byte === 0x7f) {
      throw corrupt(path, `document ${number} (id) is not valid: it contains a control character`);
    }
  }
}

function parseMetadata(
  path: string,
  blob: Buffer,
  start: number,
  end: number,
  number: number,
): Metadata {
  const text = blob.toString("utf8", start, end);
  const where = `document ${number} (metadata) is not valid`;
  if (jsonNestingExceeds(text, metadataMaxDepth) !== undefined) {
    throw corrupt(path, `${where}: nested deeper than ${metadataMaxDepth} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `${where}: ${(error as Error).message}`);
  }
  const parsed = metadataSchema.safeParse(value);
  if (!parsed.success || parsed.data === undefined) {
    throw corrupt(path, `${where}: ${parsed.error?.issues[0]?.message ?? "not an object"}`);
  }
  return parsed.data as Metadata;
}
