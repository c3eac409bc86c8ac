import { documentIdSchema, errorCodes, metadataFilterSchema } from "@hybrid-rag/core";
import { z } from "zod";

/** The request limits the schemas enforce (see `SearchServerSettings`). */
export interface ApiLimits {
  readonly maxQueryChars: number;
  readonly maxTopK: number;
  readonly maxCandidates: number;
  readonly maxIngestDocuments: number;
}

const nullableInteger = z.number().int().nullable();

const citation = {
  id: z.string().describe("the passage (chunk) id"),
  parentId: z.string().describe("the document the passage belongs to"),
  source: z.string().describe("file path or URL the document was loaded from"),
  title: z.string().nullable(),
  pageStart: nullableInteger.describe("first PDF page (null for other formats)"),
  pageEnd: nullableInteger,
  pageLabelStart: z
    .string()
    .nullable()
    .describe("printed label of the first page when the PDF declares page labels"),
  pageLabelEnd: z.string().nullable(),
  start: nullableInteger.describe(
    "character offset of the passage in its document's extracted text",
  ),
  end: nullableInteger,
  sourceSpan: z
    .strictObject({
      charStart: z.number().int(),
      charEnd: z.number().int(),
      byteStart: z.number().int(),
      byteEnd: z.number().int(),
      lineStart: nullableInteger,
      lineEnd: nullableInteger,
      entry: z.string().nullable(),
    })
    .nullable()
    .describe(
      "where the passage is in the original file: characters and bytes (PDF: of the page text; JSON Lines: of the record's text field), 1-based lines for text formats",
    ),
  headingPath: z.array(z.string()),
  text: z.string(),
};

export const passageSchema = z.strictObject(citation);

export const searchHitSchema = z.strictObject({
  ...citation,
  rank: z.number().int().min(1),
  score: z.number(),
  alsoIn: z
    .array(z.strictObject({ parentId: z.string(), source: z.string() }))
    .describe(
      "the other documents holding the same text (near-duplicates, e.g. a page as HTML and PDF): collapsed into this hit, best-ranked copy first",
    ),
  provenance: z.strictObject({
    retrievers: z
      .record(z.string(), z.strictObject({ rank: z.number().int(), score: z.number() }).nullable())
      .describe("each retriever's rank and raw score (null: it did not return the passage)"),
    rerankScore: z.number().nullable(),
  }),
});

export const searchResponseSchema = z.strictObject({
  passages: z.array(searchHitSchema),
  warnings: z.array(z.string()),
  timings: z.record(z.string(), z.number()).describe("milliseconds per stage"),
});

export const documentResponseSchema = z.strictObject({
  id: z.string(),
  source: z.string(),
  title: z.string().nullable(),
  format: z.string().nullable(),
  text: z.string().describe("rebuilt from the passages; unstored gaps between them are spaces"),
  chunks: z.array(
    z.strictObject({ id: z.string(), start: z.number().int(), end: z.number().int() }),
  ),
});

export const ingestResponseSchema = z.strictObject({
  version: z.number().int().describe("the collection version saved"),
  documents: z.number().int(),
  added: z.number().int(),
  replaced: z.number().int(),
  unchanged: z.number().int(),
  duplicates: z.number().int(),
  failed: z.number().int(),
  chunks: z.number().int(),
  oversized: z.number().int(),
  elapsedMs: z.number(),
});

export const healthResponseSchema = z.strictObject({
  status: z.enum(["ok"]),
  documents: z.number().int(),
  passages: z.number().int(),
});

export const errorResponseSchema = z.strictObject({
  error: z.strictObject({ code: z.enum(errorCodes), message: z.string() }),
});

const ingestMetadataValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
]);

/** Request schemas depend on the server's limits. */
export function requestSchemas(limits: ApiLimits) {
  return {
    search: z.strictObject({
      query: z.string().trim().min(1).max(limits.maxQueryChars),
      top_k: z.number().int().min(1).max(limits.maxTopK).default(10),
      candidates: z
        .number()
        .int()
        .min(1)
        .max(limits.maxCandidates)
        .optional()
        .describe("hits asked of each side before fusion (default 100)"),
      filters: metadataFilterSchema
        .optional()
        .describe("metadata conditions that must all hold: a value, a list of values or a range"),
    }),
    ingest: z.strictObject({
      documents: z
        .array(
          z.strictObject({
            id: documentIdSchema,
            text: z.string().min(1),
            title: z.string().optional(),
            source: z.string().optional().describe("where it came from (default: the id)"),
            metadata: z.record(z.string(), ingestMetadataValue).optional(),
          }),
        )
        .min(1)
        .max(limits.maxIngestDocuments),
    }),
  };
}

export type SearchRequest = z.output<ReturnType<typeof requestSchemas>["search"]>;
export type IngestRequest = z.output<ReturnType<typeof requestSchemas>["ingest"]>;
