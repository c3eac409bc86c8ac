import { documentImageSchema, documentSchema } from "@hybrid-rag/core";
import { z } from "zod";

/** A parent record as the store file (and its offsets index) holds it. */
export const parentRecordSchema = z.strictObject({
  id: z.string(),
  source: z.string(),
  title: z.string().optional(),
  format: z.string().optional(),
  contentHash: z.string(),
  chunkIds: z.array(z.string()),
  /** MinHash signature of the parent's normalised text (near-duplicate detection), base64. */
  signature: z.string().optional(),
  fileSha256: z.string().optional(),
  image: documentImageSchema.optional(),
  partOf: z.string().optional(),
});

/** One line of the store file: a parent and its chunks. */
export const storeLineSchema = z.strictObject({
  parent: parentRecordSchema,
  chunks: z.array(documentSchema),
});
