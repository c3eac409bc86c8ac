import { parseWithSchema } from "@hybrid-rag/core";
import { z } from "zod";
import { approximateTokenCounter, type TokenCounter } from "./token-counter.ts";

export interface ChunkingOptions {
  /** Most tokens per chunk, by `tokenCounter` (default 256). */
  readonly maxTokens?: number;
  /** Tokens of the previous chunk's end repeated at the next chunk's start (default: 32, or maxTokens / 8 when smaller). */
  readonly overlapTokens?: number;
  /** Defaults to `approximateTokenCounter`; pass the model's tokenizer for exact sizes. */
  readonly tokenCounter?: TokenCounter;
  /**
   * The model's input limit (its own tokens, without special tokens). A chunk the counter finds
   * longer is still emitted and reported (`oversized`), never cut silently.
   */
  readonly modelMaxTokens?: number;
}

export interface ResolvedChunkingOptions {
  readonly maxTokens: number;
  readonly overlapTokens: number;
  readonly tokenCounter: TokenCounter;
  readonly modelMaxTokens: number | undefined;
}

const schema = z
  .strictObject({
    maxTokens: z.number().int().min(8).max(100_000).default(256),
    overlapTokens: z.number().int().min(0).optional(),
    tokenCounter: z
      .custom<TokenCounter>(
        (value) =>
          typeof value === "object" &&
          value !== null &&
          typeof (value as TokenCounter).count === "function",
        "must be an object with a count(text) function",
      )
      .default(approximateTokenCounter),
    modelMaxTokens: z.number().int().min(1).optional(),
  })
  .refine((options) => (options.overlapTokens ?? 0) * 2 <= options.maxTokens, {
    message:
      "overlapTokens must be at most half of maxTokens (otherwise chunks would mostly repeat)",
    path: ["overlapTokens"],
  });

export function resolveChunkingOptions(options: ChunkingOptions = {}): ResolvedChunkingOptions {
  const parsed = parseWithSchema(schema, options, "chunking options");
  return {
    ...parsed,
    overlapTokens: parsed.overlapTokens ?? Math.min(32, Math.floor(parsed.maxTokens / 8)),
    modelMaxTokens: parsed.modelMaxTokens,
  };
}
