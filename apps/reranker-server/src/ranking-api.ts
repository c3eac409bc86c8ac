import { z } from "zod";

/**
 * NVIDIA Reranking NIM `POST /v1/ranking` request body, the VLM form included: each passage has
 * `text`, `image` (a base64 data URL) or both (the rules the schema cannot say are in
 * `ranking-passages.ts`).
 */
export const rankingRequestSchema = z.object({
  model: z.string({ error: "model is required (see GET /v1/models)" }).min(1),
  query: z.object({
    text: z
      .string({ error: "query.text must be a non-empty string" })
      .min(1, "query.text must be a non-empty string"),
  }),
  passages: z.array(
    z.object({
      text: z.string({ error: "passage text must be a string" }).optional(),
      image: z
        .string({
          error:
            "passage image must be a string: a base64 data URL such as data:image/png;base64,<data>",
        })
        .optional(),
    }),
    { error: "passages must be an array of {text} or {image} or {text, image}" },
  ),
  truncate: z.enum(["NONE", "END"]).default("NONE"),
});

export type RankingRequest = z.output<typeof rankingRequestSchema>;

export interface RankingResponse {
  readonly rankings: ReadonlyArray<{ readonly index: number; readonly logit: number }>;
  readonly usage: { readonly prompt_tokens: number; readonly total_tokens: number };
}
