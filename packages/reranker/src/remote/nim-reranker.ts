import type { Document, Reranker } from "@hybrid-rag/core";
import { parseWithSchema } from "@hybrid-rag/core";
import { requestJson } from "@hybrid-rag/core/internal";
import { z } from "zod";
import { truncateModes } from "../truncate-mode.ts";
import { scoresInRequestOrder } from "./indexed-scores.ts";
import { createRemoteReranker, remoteRerankerOptionsSchema } from "./remote-reranker.ts";

const nimOptionsSchema = remoteRerankerOptionsSchema.extend({
  model: z.string().min(1),
  truncate: z.enum(truncateModes).default("END"),
});

export type NimRerankerOptions = z.input<typeof nimOptionsSchema> & {
  readonly passageText?: (document: Document) => string;
};

const rankingResponseSchema = z.looseObject({
  rankings: z.array(z.looseObject({ index: z.number().int(), logit: z.number() })),
});

/**
 * NVIDIA Reranking NIM, `POST /v1/ranking`: raw logits; lists over 512 passages (the
 * self-hosted limit) are split; `truncate: "NONE"` makes over-length passages an error.
 */
export function createNimReranker(options: NimRerankerOptions): Reranker {
  const { passageText, ...rest } = options;
  const resolved = parseWithSchema(nimOptionsSchema, rest, "NIM reranker options");
  return createRemoteReranker({
    name: resolved.name ?? "nim",
    options: resolved,
    maxPassagesPerRequest: resolved.maxPassagesPerRequest ?? 512,
    passageText,
    scoreChunk: async (query, passages, request) => {
      const body = {
        model: resolved.model,
        query: { text: query },
        passages: passages.map((text) => ({ text })),
        truncate: resolved.truncate,
      };
      const response = await requestJson(request("/v1/ranking", body), rankingResponseSchema);
      return scoresInRequestOrder(
        response.rankings.map((ranking) => ({ index: ranking.index, score: ranking.logit })),
        passages.length,
        "NIM /v1/ranking",
      );
    },
  });
}
