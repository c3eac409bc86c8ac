import { crc32 } from "node:zlib";
import type { Document } from "@hybrid-rag/core";
import { readDocumentIds, readStoredDocuments } from "./documents-section.ts";

/** The sections of a saved index file, in file order. */
export interface IndexFileSections {
  documents: Buffer;
  terms: Buffer;
  sizes: Buffer;
  postings: Buffer;
  norms: Buffer;
  lengths: Buffer;
}

export interface IndexFile {
  readonly version: number;
  readonly header: Record<string, unknown> & { documentCount: number; termCount: number };
  readonly sections: IndexFileSections;
}

const order = ["documents", "terms", "sizes", "postings", "norms", "lengths"] as const;

/** Splits a format 4 file (as `save` writes it) into its header and sections. */
export function parseIndexFile(file: Buffer): IndexFile {
  const version = file.readUInt32LE(8);
  const headerLength = file.readUInt32LE(12);
  const header = JSON.parse(file.toString("utf8", 16, 16 + headerLength));
  const lengths = {
    documents: header.documentsBytes,
    terms: header.termsBytes,
    sizes: header.termCount * 4,
    postings: header.postingsBytes,
    norms: header.documentCount,
    lengths: header.documentCount * 4,
  };
  let offset = 16 + headerLength;
  const sections = {} as IndexFileSections;
  for (const name of order) {
    offset = Math.ceil(offset / 8) * 8;
    sections[name] = Buffer.from(file.subarray(offset, offset + lengths[name]));
    offset += lengths[name];
  }
  return { version, header, sections };
}

/**
 * Writes a file of `version` (4: sections aligned to 8 bytes; 2: back to back) with the
 * header's section lengths and the checksum made to fit the given sections: a crafted file
 * that passes the checksum.
 */
export function buildIndexFile(
  version: number,
  header: Record<string, unknown>,
  sections: IndexFileSections,
): Buffer {
  const headerBytes = Buffer.from(
    JSON.stringify({
      ...header,
      documentsBytes: sections.documents.length,
      termsBytes: sections.terms.length,
      postingsBytes: sections.postings.length,
    }),
  );
  const prefix = Buffer.alloc(16);
  prefix.write("HRAGBM25", 0, "latin1");
  prefix.writeUInt32LE(version, 8);
  prefix.writeUInt32LE(headerBytes.length, 12);
  const chunks: Buffer[] = [prefix, headerBytes];
  let offset = prefix.length + headerBytes.length;
  for (const name of order) {
    const padding = version >= 4 ? (8 - (offset % 8)) % 8 : 0;
    chunks.push(Buffer.alloc(padding), sections[name]);
    offset += padding + sections[name].length;
  }
  const body = Buffer.concat(chunks);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, checksum]);
}

/** The documents of a format 4 file, as objects (or, for an ids-only file, `{ id }`). */
export function documentsOf(file: IndexFile): Array<Document | { id: string }> {
  const { header, sections } = file;
  if (header.documentsExternal) {
    return readDocumentIds("test", sections.documents, header.documentCount).map((id) => ({ id }));
  }
  const stored = readStoredDocuments("test", sections.documents, header.documentCount);
  return Array.from({ length: stored.count }, (_, number) => stored.get(number));
}

/**
 * The same index as @hybrid-rag/bm25 wrote it in format version 2 (documents or ids as JSON
 * lines, sections unaligned), with `documents` replacing the documents when given (an array:
 * one JSON value per line; a string: the section as it is).
 */
export function asVersionTwo(file: Buffer, documents?: unknown[] | string): Buffer {
  const parsed = parseIndexFile(file);
  const values =
    documents ??
    documentsOf(parsed).map((document) =>
      parsed.header.documentsExternal ? document.id : document,
    );
  const lines =
    typeof values === "string"
      ? values
      : values.map((document) => `${JSON.stringify(document)}\n`).join("");
  return buildIndexFile(2, parsed.header, {
    ...parsed.sections,
    documents: Buffer.from(lines, "utf8"),
  });
}

/**
 * A format 4 documents section from explicit field byte lengths (`null`: absent) and bytes,
 * for crafting invalid ones.
 */
export function documentsSection(
  fieldBytes: ReadonlyArray<number | null>,
  bytes: Buffer | string,
): Buffer {
  const table = Uint32Array.from(fieldBytes.map((length) => length ?? 0xffffffff));
  return Buffer.concat([Buffer.from(table.buffer), Buffer.from(bytes)]);
}
