import { z } from "zod";

// BEIR ids are strings; a few community conversions write numbers, which mean the same id.
const beirId = z
  .union([z.string(), z.number()], { error: "missing or not a string" })
  .transform(String)
  .refine((id) => id.length > 0, "must not be empty");

export const corpusRecordSchema = z.object({
  _id: beirId,
  title: z.string({ error: "must be a string" }).nullish(),
  text: z.string({ error: "missing or not a string" }),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const queryRecordSchema = z.object({
  _id: beirId,
  text: z.string({ error: "missing or not a string" }),
});
