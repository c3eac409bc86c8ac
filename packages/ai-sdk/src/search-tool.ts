import { type CitedPassage, type SearchSource, searchPassages } from "@hybrid-rag/collection";
import { HybridRagError, metadataFilterSchema } from "@hybrid-rag/core";
import { type Tool, tool } from "ai";
import { z } from "zod";

export interface SearchToolOptions {
  /**
   * What the collection holds, in a sentence ("the 2025 engineering reports of the coast
   * survey"): the model decides when to call the tool from it.
   */
  readonly contents: string;
  /** Passages when the model does not say (default 5). */
  readonly topK?: number;
  /** The most passages the model may ask for (default 20). */
  readonly maxTopK?: number;
}

export const searchToolInputSchema = z.strictObject({
  query: z.string().trim().min(1, "the query must not be empty").max(2000),
  topK: z.number().int().min(1).optional(),
  filter: metadataFilterSchema
    .optional()
    .describe(
      'optional metadata conditions, all of which must hold: a value, a list of allowed values, or a range {gt,gte,lt,lte}; e.g. {"parentId": "report.pdf"}',
    ),
});

export type SearchToolInput = z.infer<typeof searchToolInputSchema>;

export interface SearchToolOutput {
  /** Best first; `number` is what the answer should cite as `[number]`. */
  passages: Array<CitedPassage & { readonly number: number }>;
  /** What went wrong without failing the search (a side left out, a reranker fallback). */
  warnings: string[];
}

/**
 * An AI SDK tool (for `generateText`/`streamText`) that searches a collection or runs a pipeline
 * and returns cited passages: ids, parent, source, pages, offsets, provenance and text.
 */
export function searchTool(
  source: SearchSource,
  options: SearchToolOptions,
): Tool<SearchToolInput, SearchToolOutput> {
  const { contents, topK = 5, maxTopK = 20 } = options;
  if (typeof contents !== "string" || contents.trim() === "") {
    throw new HybridRagError(
      "invalid-argument",
      "searchTool needs `contents`: a sentence saying what the collection holds, so the model knows when to search it.",
    );
  }
  for (const [name, value] of [
    ["topK", topK],
    ["maxTopK", maxTopK],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 1000) {
      throw new HybridRagError(
        "invalid-argument",
        `${name} must be a whole number from 1 to 1000, got ${JSON.stringify(value)}.`,
      );
    }
  }
  if (topK > maxTopK) {
    throw new HybridRagError(
      "invalid-argument",
      `topK (${topK}) must not exceed maxTopK (${maxTopK}).`,
    );
  }
  return tool({
    description: `Search ${contents.trim()} (hybrid keyword + semantic search). Returns the best passages with their source, page and character offsets; cite a passage as [number].`,
    inputSchema: searchToolInputSchema.extend({
      topK: z
        .number()
        .int()
        .min(1)
        .max(maxTopK)
        .optional()
        .describe(`passages to return (default ${topK}, at most ${maxTopK})`),
    }),
    execute: async (input, { abortSignal }) => {
      const { passages, warnings } = await searchPassages(source, input.query, {
        topK: input.topK ?? topK,
        ...(input.filter ? { filter: input.filter } : {}),
        ...(abortSignal ? { signal: abortSignal } : {}),
      });
      return {
        passages: passages.map((passage, index) => ({ number: index + 1, ...passage })),
        warnings,
      };
    },
  });
}
