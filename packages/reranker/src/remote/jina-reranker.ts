import type { Document, ImageResolver, Reranker } from "@hybrid-rag/core";
import { HybridRagError, parseWithSchema } from "@hybrid-rag/core";
import { requestJson } from "@hybrid-rag/core/internal";
import { z } from "zod";
import { defaultPassageText } from "../rerank-hits.ts";
import { type ImagePassage, imagePassageOf } from "./image-passage.ts";
import { scoresInRequestOrder } from "./indexed-scores.ts";
import { createRemoteReranker, remoteRerankerOptionsSchema } from "./remote-reranker.ts";

const jinaOptionsSchema = remoteRerankerOptionsSchema.extend({
  baseUrl: z.url().default("https://api.jina.ai"),
  model: z.string().min(1).default("jina-reranker-m0"),
});

export type JinaRerankerOptions = z.input<typeof jinaOptionsSchema> & {
  readonly passageText?: (document: Document) => string;
  /** Resolves candidates' stored image references (a collection's `imageResolver`). */
  readonly imageResolver?: ImageResolver;
};

const rerankResponseSchema = z.looseObject({
  results: z.array(z.looseObject({ index: z.number().int(), relevance_score: z.number() })),
});

/**
 * Jina's rerank API, `POST /v1/rerank`, with its multimodal model `jina-reranker-m0`: the
 * Cohere-style request whose documents are `{text}` or `{image}` objects, an image as its
 * base64 bytes (Jina takes a URL or base64; the bytes are sent, never a URL). Cohere's own
 * `/v2/rerank` takes text documents only. A Jina document is text or image, not both: a
 * candidate with both is an `unsupported` error naming it (send its text and image as two
 * documents, or pass a `passageText` for the text side only). Every score is requested
 * (`top_n` = all) so split requests merge; Jina scores lie in [0, 1].
 */
export function createJinaReranker(options: JinaRerankerOptions): Reranker {
  const { passageText, imageResolver, ...rest } = options;
  const resolved = parseWithSchema(jinaOptionsSchema, rest, "Jina reranker options");
  const name = resolved.name ?? "jina";
  return createRemoteReranker<ImagePassage & { readonly id: string }>({
    name,
    options: resolved,
    maxPassagesPerRequest: resolved.maxPassagesPerRequest ?? 1000,
    acceptsImages: true,
    passageOf: async (document, signal) => ({
      id: document.id,
      ...(await imagePassageOf(document, passageText ?? defaultPassageText, imageResolver, signal)),
    }),
    scoreChunk: async (query, passages, request) => {
      const documents = passages.map(({ id, text, image }) => {
        if (image === undefined) return { text: text ?? "" };
        if (text !== undefined) {
          throw new HybridRagError(
            "unsupported",
            `${name}: candidate ${id} has text and an image, and a Jina document is one or the other: make its text and its image two documents, or rerank it with a NIM VLM reranker (createNimReranker with acceptsImages), which scores both together.`,
            { details: { id } },
          );
        }
        return { image: Buffer.from(image.data).toString("base64") };
      });
      const body = {
        model: resolved.model,
        query,
        documents,
        top_n: passages.length,
        return_documents: false,
      };
      const response = await requestJson(request("/v1/rerank", body), rerankResponseSchema);
      return scoresInRequestOrder(
        response.results.map((result) => ({ index: result.index, score: result.relevance_score })),
        passages.length,
        "Jina /v1/rerank",
      );
    },
  });
}
