import { documentIdSchema, type MetadataValue } from "@hybrid-rag/core";
import { z } from "zod";

const metadataValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(metadataValue),
    z.record(z.string(), metadataValue),
  ]),
);

/**
 * The id rule: a string is kept as written when it is a valid core document id (non-empty, no
 * control characters, at most 512 UTF-8 bytes); a number only when it is a safe integer
 * (a whole number up to 2^53 − 1, which JSON carries exactly), as its decimal digits. Any other
 * number (`1e21`, `1.5`, 2^53 + 1) has already lost how it was written when parsed, and could
 * collide with a string id (`1e21` and `"1e+21"`), so it is refused.
 */
const recordId = z.union([
  documentIdSchema,
  z
    .number()
    .refine(
      Number.isSafeInteger,
      "is a number that is not a whole number up to 2^53 - 1, so it cannot be kept exactly as written; write it as a JSON string",
    ),
]);

/** `{ "_id" | "id", "text", "title"?, "metadata"? }`: BEIR's corpus records and plain JSON Lines. */
export const documentRecordSchema = z
  .object({
    _id: recordId.optional(),
    id: recordId.optional(),
    text: z.string({ error: "missing or not a string" }),
    title: z.string({ error: "must be a string" }).nullish(),
    metadata: z.record(z.string(), metadataValue).nullish(),
  })
  .refine((record) => record._id !== undefined || record.id !== undefined, {
    message: 'needs an "_id" or "id"',
  });

export type DocumentRecord = z.output<typeof documentRecordSchema>;

/** The record's id under the id rule (`_id` first, BEIR's name). */
export function recordIdOf(record: DocumentRecord): string {
  return String(record._id ?? record.id);
}

export type RecordMetadata = Record<string, MetadataValue>;
