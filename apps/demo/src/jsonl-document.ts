import { type Document, documentSchema, HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";

/** A JSONL line: BEIR's `_id` or a plain `id`, `text`, optional `title` and `metadata`. */
const jsonlLineSchema = z
  .object({
    _id: z.union([z.string(), z.number()]).optional(),
    id: z.union([z.string(), z.number()]).optional(),
    title: z.string().optional(),
    text: z.string({ error: "each JSONL line needs a text string" }),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((line) => line._id !== undefined || line.id !== undefined, {
    message: "each JSONL line needs an _id or id",
  });

/**
 * One JSONL line as a document. The id is kept exactly as written: a string as it is, a number
 * only when it is a whole number JSON can carry exactly (a safe integer), so that `1e21`,
 * `12345678901234567890` or `1.5` are refused rather than silently turned into another id (two
 * such ids could collide).
 */
export function jsonlDocument(text: string, where: string): Document {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HybridRagError(
      "corrupt-data",
      `${where} is not valid JSON (${String(error)}); each line must be one JSON object.`,
    );
  }
  const parsed = parseWithSchema(jsonlLineSchema, value, `document at ${where}`);
  const id = parsed._id ?? parsed.id!;
  if (typeof id === "number" && !Number.isSafeInteger(id)) {
    throw new HybridRagError(
      "invalid-argument",
      `${where}: the id ${String(id)} is a number that is not a whole number up to 2^53 - 1, so it cannot be kept exactly as written; write the id as a JSON string (e.g. "${String(id)}" as written in the file).`,
      { details: { id } },
    );
  }
  return parseWithSchema(
    documentSchema,
    {
      id: String(id),
      text: parsed.text,
      ...(parsed.title ? { title: parsed.title } : {}),
      ...(parsed.metadata ? { metadata: parsed.metadata } : {}),
    },
    `document at ${where}`,
  ) as Document;
}
