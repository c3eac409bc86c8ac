import { sessionOptionsSchema } from "@hybrid-rag/models";
import { z } from "zod";

export { type TruncateMode, truncateModes } from "./truncate-mode.ts";

export const crossEncoderOptionsSchema = sessionOptionsSchema.extend({
  /** Longest pair in tokens, special tokens included; default and maximum: the model's limit. */
  maxLength: z.number().int().min(4).optional(),
  /** Padded tokens (pairs × longest pair) per model run; default 4096 on CPU, 16384 on GPUs. */
  maxTokensPerBatch: z.number().int().min(1).optional(),
  /** Pairs per model run at most. */
  maxBatchSize: z.number().int().min(1).default(64),
  /** Model runs in flight at once, across all callers of this encoder (1 suits CPUs). */
  concurrency: z.number().int().min(1).default(1),
});

export type CrossEncoderSettings = z.input<typeof crossEncoderOptionsSchema>;
