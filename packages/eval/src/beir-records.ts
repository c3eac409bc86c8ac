import { z } from "zod";

// Query ids follow the loaders' id rule for corpus records (the corpus itself is read by
// @hybrid-rag/loaders). BEIR ids are strings; a few community conversions write numbers, which mean the same id when
// they are whole numbers JSON carries exactly. Others (1e21, 2^53 + 1, 1.5) would silently become
// another id (and could collide), so they are refused.
const beirId = z
  .union(
    [
      z.string(),
      z
        .number()
        .refine(
          Number.isSafeInteger,
          "is a number that is not a whole number up to 2^53 - 1, so it cannot be kept exactly as written; write it as a string",
        ),
    ],
    { error: "missing or not a string" },
  )
  .transform(String)
  .refine((id) => id.length > 0, "must not be empty");

export const queryRecordSchema = z.object({
  _id: beirId,
  text: z.string({ error: "missing or not a string" }),
});
