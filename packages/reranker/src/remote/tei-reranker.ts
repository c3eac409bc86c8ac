import type { Document, Reranker } from "@hybrid-rag/core";
import { parseWithSchema } from "@hybrid-rag/core";
import { requestJson } from "@hybrid-rag/core/internal";
import { z } from "zod";
import { scoresInRequestOrder } from "./indexed-scores.ts";
import { createRemoteReranker, remoteRerankerOptionsSchema } from "./remote-reranker.ts";

const teiOptionsSchema = remoteRerankerOptionsSchema.extend({
  /** Let the server truncate over-length inputs (else it answers 413/422). */
  truncate: z.boolean().default(true),
  truncationDirection: z.enum(["Right", "Left"]).default("Right"),
  /** Raw logits instead of TEI's default sigmoid scores. */
  rawScores: z.boolean().default(false),
});

export type TeiRerankerOptions = z.input<typeof teiOptionsSchema> & {
  readonly passageText?: (document: Document) => string;
};

const rerankResponseSchema = z.array(z.looseObject({ index: z.number().int(), score: z.number() }));

/**
 * Hugging Face Text Embeddings Inference, `POST /rerank`. TEI's default client batch limit is
 * 32 texts (`--max-client-batch-size`), so longer lists are split at 32 unless told otherwise.
 */
export function createTeiReranker(options: TeiRerankerOptions): Reranker {
  const { passageText, ...rest } = options;
  const resolved = parseWithSchema(teiOptionsSchema, rest, "TEI reranker options");
  return createRemoteReranker({
    name: resolved.name ?? "tei",
    options: resolved,
    maxPassagesPerRequest: resolved.maxPassagesPerRequest ?? 32,
    passageText,
    scoreChunk: async (query, passages, request) => {
      const body = {
        query,
        texts: passages,
        truncate: resolved.truncate,
        truncation_direction: resolved.truncationDirection,
        raw_scores: resolved.rawScores,
        return_text: false,
      };
      const response = await requestJson(request("/rerank", body), rerankResponseSchema);
      return scoresInRequestOrder(response, passages.length, "TEI /rerank");
    },
  });
}
