import { z } from "zod";

/** What `--embedding-model` says to mean this model (benchmark and CLI), and its default name. */
export const useLiteModelName = "use-lite";

export const useLiteEmbedderSchema = z.strictObject({
  name: z.string().min(1).default(useLiteModelName),
  /** Tokens kept per text; longer texts are cut at the end (bounds time and memory). */
  maxTokens: z.number().int().min(1).max(4096).default(512),
  /** Tokens per model run, summed over the texts of a batch. */
  maxTokensPerBatch: z.number().int().min(1).default(8192),
  maxBatchSize: z.number().int().min(1).default(32),
  /** A directory with model.json, its shards and vocab.json; default: the installed npm package. */
  directory: z.string().min(1).optional(),
});

export type UseLiteEmbedderOptions = z.input<typeof useLiteEmbedderSchema>;
