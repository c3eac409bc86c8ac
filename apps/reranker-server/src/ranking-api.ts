import { z } from "zod";

/** NVIDIA Reranking NIM `POST /v1/ranking` request body. */
export const rankingRequestSchema = z.object({
  model: z.string({ error: "model is required (see GET /v1/models)" }).min(1),
  query: z.object({ text: z.string({ error: "query.text must be a string" }) }),
  passages: z.array(z.object({ text: z.string({ error: "passage text must be a string" }) }), {
    error: "passages must be an array of {text}",
  }),
  truncate: z.enum(["NONE", "END"]).default("NONE"),
});

export type RankingRequest = z.output<typeof rankingRequestSchema>;

export interface RankingResponse {
  readonly rankings: ReadonlyArray<{ readonly index: number; readonly logit: number }>;
  readonly usage: { readonly prompt_tokens: number; readonly total_tokens: number };
}

/** Cohere-compatible `POST /v1/rerank` and `/v2/rerank` request body (Jina's is alike). */
export const cohereRerankRequestSchema = z.object({
  model: z.string().min(1).optional(),
  query: z.string({ error: "query must be a string" }),
  documents: z.array(
    z.union([z.string(), z.object({ text: z.string() })], {
      error: "each document must be a string or {text}",
    }),
    { error: "documents must be an array" },
  ),
  top_n: z.number().int().min(1, "top_n must be at least 1").optional(),
  return_documents: z.boolean().optional(),
  max_tokens_per_doc: z
    .undefined({
      error:
        "max_tokens_per_doc is not supported here: documents are cut at the model's limit; leave it out",
    })
    .optional(),
});

export type CohereRerankRequest = z.output<typeof cohereRerankRequestSchema>;
