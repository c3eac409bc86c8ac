import { crc32 } from "node:zlib";
import { type Document, type DocumentLookup, HybridRagError } from "@hybrid-rag/core";
import { removeLeftoverTemporaryFiles, writeFileAtomically } from "@hybrid-rag/core/internal";
import { z } from "zod";
import type { Bm25Field } from "./bm25-options.ts";
import { DocumentTable } from "./document-table.ts";
import {
  encodeDocumentsSection,
  readDocumentIds,
  readStoredDocuments,
} from "./documents-section.ts";
import { corrupt } from "./file-errors.ts";
import { InvertedIndex } from "./inverted-index.ts";
import { summarizeRegion } from "./postings-region.ts";
import { readWholeFile } from "./read-whole-file.ts";
import { checkSavedDocuments, checkUniqueIds } from "./saved-documents.ts";
import { SectionReader, sectionAlignment } from "./section-reader.ts";
import { lengthToNorm } from "./small-float.ts";
import { deriveBlockBounds } from "./upgrade-block-bounds.ts";

/**
 * On-disk format, version 4 (all integers little-endian):
 *   "HRAGBM25" | u32 version | u32 header length | header JSON | documents (binary:
 *   `documents-section.ts`) | terms JSON | i32[terms] postings region bytes | u8[...] postings
 *   regions in term order (the in-memory compressed encoding of `postings-codec.ts`, byte for
 *   byte, block score bounds in the block headers) | u8[documents] norms | u32[documents]
 *   lengths | u32 CRC-32 of everything before it.
 * Every section after the header starts at a file offset that is a multiple of 8 (zero
 * padding before it), so the loader uses the file's bytes in place: postings, norms, lengths
 * and the documents are views on the one buffer the file was read into, not copies.
 * The header records the settings and the byte length of every section. With
 * `documentsExternal: true` (saved with `storeDocuments: false`) the documents section holds
 * only the ids, resolved on load from the document store the caller passes.
 * Version 3: the sections unaligned, documents as JSON lines (one document, or one id, per
 * line), block score bounds in the postings. Version 2: version 3 without the block score
 * bounds (derived on load, `upgrade-block-bounds.ts`). Version 1: documents as one JSON array,
 * uncompressed i32 (document, frequency) pairs, `postingsInts` in the header; its postings are
 * re-encoded on load. All are still read, and the next save writes version 4.
 */
export const formatVersion = 4;
const readableVersions = [1, 2, 3, 4];
const magic = Buffer.from("HRAGBM25", "latin1");

export interface SavedSettings {
  readonly name: string;
  readonly analyzer: string;
  readonly k1: number;
  readonly b: number;
  readonly fields: readonly Bm25Field[];
}

const headerSchema = z.strictObject({
  name: z.string().min(1),
  analyzer: z.string().min(1),
  k1: z.number().finite().min(0),
  b: z.number().min(0).max(1),
  fields: z.array(z.enum(["title", "text"])).min(1),
  documentCount: z.number().int().min(0),
  termCount: z.number().int().min(0),
  documentsBytes: z.number().int().min(0),
  termsBytes: z.number().int().min(0),
  postingsBytes: z.number().int().min(0),
  /** True when the documents section holds only ids (the text lives in a shared store). */
  documentsExternal: z.boolean().optional(),
});
const headerSchemaVersion1 = headerSchema
  .omit({ postingsBytes: true })
  .extend({ postingsInts: z.number().int().min(0) });

export async function saveIndex(
  path: string,
  index: InvertedIndex,
  storeDocuments: boolean,
  settings: SavedSettings,
): Promise<void> {
  const documents = encodeDocumentsSection(index.documents, !storeDocuments);
  const terms = Buffer.from(JSON.stringify(index.termStrings()), "utf8");
  index.pack();
  const sizes = index.postingSizes.slice(0, index.termCount);
  const postingsBytes = index.postingsTotal;
  const postings = index.pool.subarray(0, postingsBytes);
  const header = Buffer.from(
    JSON.stringify({
      ...settings,
      documentCount: index.size,
      termCount: index.termCount,
      documentsBytes: documents.reduce((total, chunk) => total + chunk.length, 0),
      termsBytes: terms.length,
      postingsBytes,
      ...(storeDocuments ? {} : { documentsExternal: true }),
    }),
    "utf8",
  );
  const prefix = Buffer.alloc(16);
  magic.copy(prefix, 0);
  prefix.writeUInt32LE(formatVersion, 8);
  prefix.writeUInt32LE(header.length, 12);
  const sections: Buffer[][] = [
    documents,
    [terms],
    [bytesOf(sizes)],
    [bytesOf(postings)],
    [bytesOf(index.norms.subarray(0, index.size))],
    [bytesOf(index.lengths.subarray(0, index.size))],
  ];
  const chunks: Buffer[] = [prefix, header];
  let offset = prefix.length + header.length;
  for (const section of sections) {
    const padding = (sectionAlignment - (offset % sectionAlignment)) % sectionAlignment;
    chunks.push(Buffer.alloc(padding), ...section);
    offset += padding + section.reduce((total, chunk) => total + chunk.length, 0);
  }
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(
    chunks.reduce((crc, chunk) => crc32(chunk, crc), 0),
    0,
  );
  await writeFileAtomically(path, [...chunks, checksum], "the BM25 index");
}

export interface LoadedIndex {
  readonly settings: SavedSettings;
  readonly index: InvertedIndex;
}

/**
 * Reads and fully validates a saved index before building anything from it: after the checksum,
 * the header, the documents (valid, unique ids; text present — or, for an index saved without
 * them, resolved from the given store) and every postings list. Any failure of the file's
 * content is `corrupt-data`. Leftover temporary files of a save that was killed midway are
 * removed first.
 */
export async function readIndexFile(path: string, lookup?: DocumentLookup): Promise<LoadedIndex> {
  await removeLeftoverTemporaryFiles(path);
  const file = await readWholeFile(path);
  if (file.length < 20 || !file.subarray(0, 8).equals(magic)) {
    throw corrupt(path, "it does not start with the BM25 index signature (not an index file)");
  }
  const version = file.readUInt32LE(8);
  if (!readableVersions.includes(version)) {
    throw new HybridRagError(
      "unsupported",
      `${path} is a BM25 index in format version ${version}; this version of @hybrid-rag/bm25 reads versions ${readableVersions.join(", ")} (it writes ${formatVersion}). Load it with the @hybrid-rag/bm25 release that wrote it, or rebuild the index from the documents.`,
      { details: { path, version, supported: readableVersions } },
    );
  }
  const stored = file.readUInt32LE(file.length - 4);
  if (crc32(file.subarray(0, file.length - 4)) !== stored) {
    throw corrupt(path, "its checksum does not match (truncated or modified)");
  }
  const aligned = version >= 4;
  const reader = new SectionReader(file, 16, file.length - 4, path, aligned);
  const headerJson = reader.json(file.readUInt32LE(12));
  const header =
    version === 1
      ? checkHeader(path, headerSchemaVersion1, headerJson)
      : checkHeader(path, headerSchema, headerJson);
  const documents = aligned
    ? readDocuments(path, reader.view(header.documentsBytes), header, lookup)
    : readLegacyDocuments(path, reader, version, header, lookup);
  const terms = reader.json(header.termsBytes);
  if (
    !Array.isArray(terms) ||
    terms.length !== header.termCount ||
    !terms.every((term) => typeof term === "string")
  ) {
    throw corrupt(path, "the terms section does not match the header");
  }
  // Format 4: views on the file's bytes. Older formats: copies (their documents section, parsed
  // into objects, is then not kept alive by views on the file).
  const sizes = aligned
    ? reader.int32s(header.termCount)
    : new Int32Array(reader.bytes(header.termCount * 4));
  const postings =
    "postingsInts" in header
      ? new Int32Array(reader.bytes(header.postingsInts * 4))
      : aligned
        ? reader.uint8s(header.postingsBytes)
        : new Uint8Array(reader.bytes(header.postingsBytes));
  const norms = aligned
    ? reader.uint8s(header.documentCount)
    : new Uint8Array(reader.bytes(header.documentCount));
  const lengths = aligned
    ? reader.uint32s(header.documentCount)
    : new Uint32Array(reader.bytes(header.documentCount * 4));
  reader.expectEnd();
  const index = baseIndex(path, documents, norms, lengths);
  if (postings instanceof Int32Array) {
    addUncompressedPostings(path, index, terms as string[], sizes, postings);
  } else {
    addCompressedPostings(path, index, terms as string[], sizes, postings, version);
  }
  const { name, analyzer, k1, b, fields } = header;
  return { settings: { name, analyzer, k1, b, fields }, index };
}

type Header = z.output<typeof headerSchema> | z.output<typeof headerSchemaVersion1>;

/** Format 4's binary documents section (its bytes stay the documents' storage). */
function readDocuments(
  path: string,
  section: Buffer,
  header: Header,
  lookup: DocumentLookup | undefined,
): DocumentTable {
  if (header.documentsExternal) {
    // Documents resolved from a shared store are used as they are (one copy of each text).
    const ids = readDocumentIds(path, section, header.documentCount);
    return new DocumentTable(undefined, resolveDocuments(path, ids, lookup));
  }
  return new DocumentTable(readStoredDocuments(path, section, header.documentCount));
}

/** Format 1 (one JSON array) and 2 (JSON lines): parsed into objects and checked. */
function readLegacyDocuments(
  path: string,
  reader: SectionReader,
  version: number,
  header: Header,
  lookup: DocumentLookup | undefined,
): DocumentTable {
  const section =
    version === 1 ? reader.json(header.documentsBytes) : reader.jsonLines(header.documentsBytes);
  const documents = header.documentsExternal
    ? checkUniqueIds(path, resolveDocuments(path, section, lookup))
    : checkSavedDocuments(path, section);
  if (documents.length !== header.documentCount) {
    throw corrupt(path, "the documents section does not match the header");
  }
  return new DocumentTable(undefined, documents);
}

function checkHeader<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
  value: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join(".") : "(root)";
  throw corrupt(path, `its header is not valid (${field}: ${issue.message})`);
}

/** The documents of an index saved without them, found by id in the shared store. */
function resolveDocuments(
  path: string,
  ids: unknown,
  lookup: DocumentLookup | undefined,
): Document[] {
  if (lookup === undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `${path} was saved without its documents (storeDocuments: false): pass the store that holds them as loadBm25Index(path, { documents }).`,
    );
  }
  if (!Array.isArray(ids)) throw corrupt(path, "the documents section is not a list of ids");
  return ids.map((id, number) => {
    const document = typeof id === "string" ? lookup.get(id) : undefined;
    if (document === undefined) {
      throw corrupt(
        path,
        `document ${number} (${JSON.stringify(id)}) is not in the given document store`,
      );
    }
    return document;
  });
}

/** An index of the checked documents, norms and lengths (postings are added next). */
function baseIndex(
  path: string,
  documents: DocumentTable,
  norms: Uint8Array,
  lengths: Uint32Array,
): InvertedIndex {
  const index = new InvertedIndex();
  index.documents = documents;
  const ids = index.numberById;
  ids.reserve(documents.length);
  for (let number = 0; number < documents.length; number++) {
    const id = documents.id(number);
    if (typeof id !== "string") throw corrupt(path, `document ${number} has no id`);
    const known = ids.size;
    ids.set(id, number);
    if (ids.size === known) {
      throw corrupt(path, `document ${number} repeats the id ${JSON.stringify(id)}`);
    }
  }
  index.norms = norms;
  index.lengths = lengths;
  index.live = new Uint8Array(documents.length).fill(1);
  for (let number = 0; number < lengths.length; number++) {
    const length = lengths[number]!;
    // Scores read the norm; deletes and statistics the length: they must agree.
    if (norms[number] !== lengthToNorm(length)) {
      throw corrupt(path, `the norm of document ${number} does not match its length`);
    }
    if (length > 0) index.documentsWithTerms++;
    index.totalTerms += length;
  }
  return index;
}

/** Version 2: the regions are used as they are, after every one of them is checked. */
function addCompressedPostings(
  path: string,
  index: InvertedIndex,
  terms: string[],
  sizes: Int32Array,
  postings: Uint8Array,
  version: number,
): void {
  if (sizes.reduce((sum, size) => sum + size, 0) !== postings.length) {
    throw corrupt(path, "the postings sizes do not add up to the postings section");
  }
  const boundsStored = version >= 3;
  index.pool = postings;
  index.poolUsed = postings.length;
  index.postingsTotal = postings.length;
  let offset = 0;
  for (const [expected, term] of terms.entries()) {
    const number = index.termNumber(term);
    if (number !== expected) throw corrupt(path, `the term ${JSON.stringify(term)} appears twice`);
    const size = sizes[number]!;
    if (size < 0 || offset + size > postings.length) {
      throw corrupt(path, `the postings of term ${JSON.stringify(term)} are out of range`);
    }
    const norms = boundsStored ? index.norms : undefined;
    const summary = summarizeRegion(postings, offset, offset + size, index.size, norms);
    if (typeof summary === "string") {
      throw corrupt(path, `the postings of term ${JSON.stringify(term)} are not valid: ${summary}`);
    }
    if (!boundsStored) deriveBlockBounds(postings, offset, offset + size, index.norms);
    index.postingStarts[number] = offset;
    index.postingCapacities[number] = size;
    index.postingSizes[number] = size;
    index.postingCounts[number] = summary.count;
    index.openBlocks[number] = summary.openBlock;
    index.documentFrequencies[number] = summary.count;
    index.maxFrequencies[number] = summary.maxFrequency;
    offset += size;
  }
}

/** Version 1: (document, frequency) int32 pairs, checked and re-encoded. */
function addUncompressedPostings(
  path: string,
  index: InvertedIndex,
  terms: string[],
  sizes: Int32Array,
  postings: Int32Array,
): void {
  if (sizes.reduce((sum, size) => sum + size, 0) !== postings.length) {
    throw corrupt(path, "the postings sizes do not add up to the postings section");
  }
  let offset = 0;
  for (const [expected, term] of terms.entries()) {
    const number = index.termNumber(term);
    if (number !== expected) throw corrupt(path, `the term ${JSON.stringify(term)} appears twice`);
    const size = sizes[number]!;
    if (size < 0 || size % 2 !== 0 || offset + size > postings.length) {
      throw corrupt(path, `the postings of term ${JSON.stringify(term)} are out of range`);
    }
    let previous = -1;
    for (let position = offset; position < offset + size; position += 2) {
      const document = postings[position]!;
      const frequency = postings[position + 1]!;
      if (document <= previous || document >= index.size || frequency < 1) {
        throw corrupt(path, `the postings of term ${JSON.stringify(term)} are not valid`);
      }
      previous = document;
      index.appendPosting(number, document, frequency);
    }
    offset += size;
  }
  index.pack();
}

function bytesOf(array: Int32Array | Uint32Array | Uint8Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}
