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
