import type { Document, Reranker } from "@hybrid-rag/core";
import { parseWithSchema } from "@hybrid-rag/core";
import { requestJson } from "@hybrid-rag/core/internal";
import { z } from "zod";
import { scoresInRequestOrder } from "./indexed-scores.ts";
import { createRemoteReranker, remoteRerankerOptionsSchema } from "./remote-reranker.ts";

const cohereOptionsSchema = remoteRerankerOptionsSchema.extend({
  baseUrl: z.url().default("https://api.cohere.com"),
  model: z.string().min(1),
  /** Server-side truncation per document. */
  maxTokensPerDocument: z.number().int().min(1).optional(),
});

export type CohereRerankerOptions = z.input<typeof cohereOptionsSchema> & {
  readonly passageText?: (document: Document) => string;
};

const rerankResponseSchema = z.looseObject({
  results: z.array(z.looseObject({ index: z.number().int(), relevance_score: z.number() })),
});

/**
 * Cohere-compatible `POST /v2/rerank` (Cohere, and servers that copy its API). Every score is
 * requested (top_n = all passages) so split requests can be merged; topN applies after merging.
 * Cohere accepts at most 1,000 documents per request.
 */
export function createCohereReranker(options: CohereRerankerOptions): Reranker {
  const { passageText, ...rest } = options;
  const resolved = parseWithSchema(cohereOptionsSchema, rest, "Cohere reranker options");
  return createRemoteReranker({
    name: resolved.name ?? "cohere",
    options: resolved,
    maxPassagesPerRequest: resolved.maxPassagesPerRequest ?? 1000,
    passageText,
    scoreChunk: async (query, passages, request) => {
      const body = {
        model: resolved.model,
        query,
        documents: passages,
        top_n: passages.length,
        ...(resolved.maxTokensPerDocument
          ? { max_tokens_per_doc: resolved.maxTokensPerDocument }
          : {}),
      };
      const response = await requestJson(request("/v2/rerank", body), rerankResponseSchema);
      return scoresInRequestOrder(
        response.results.map((result) => ({ index: result.index, score: result.relevance_score })),
        passages.length,
        "Cohere /v2/rerank",
      );
    },
  });
}
