import type { Document, ImageResolver, Reranker } from "@hybrid-rag/core";
import { formatImageDataUrl, parseWithSchema } from "@hybrid-rag/core";
import { requestJson } from "@hybrid-rag/core/internal";
import { z } from "zod";
import { defaultPassageText } from "../rerank-hits.ts";
import { truncateModes } from "../truncate-mode.ts";
import { type ImagePassage, imagePassageOf } from "./image-passage.ts";
import { scoresInRequestOrder } from "./indexed-scores.ts";
import {
  createRemoteReranker,
  remoteRerankerOptionsSchema,
  type ScoreChunk,
} from "./remote-reranker.ts";

const nimOptionsSchema = remoteRerankerOptionsSchema.extend({
  model: z.string().min(1),
  truncate: z.enum(truncateModes).default("END"),
  /**
   * The served model is a VLM reranker (`nvidia/llama-nemotron-rerank-vl-1b-v2`): documents'
   * images are sent as base64 data URLs beside or instead of their text.
   */
  acceptsImages: z.boolean().default(false),
});

export type NimRerankerOptions = z.input<typeof nimOptionsSchema> & {
  readonly passageText?: (document: Document) => string;
  /** Resolves candidates' stored image references (a collection's `imageResolver`). */
  readonly imageResolver?: ImageResolver;
};

const rankingResponseSchema = z.looseObject({
  rankings: z.array(z.looseObject({ index: z.number().int(), logit: z.number() })),
});

/**
 * NVIDIA Reranking NIM, `POST /v1/ranking`: raw logits; lists over 512 passages (the
 * self-hosted limit) are split; `truncate: "NONE"` makes over-length passages an error. With
 * `acceptsImages`, the VLM request shape: each passage `{text}`, `{image}` (image-only: `text`
 * omitted, as NIM requires) or `{text, image}`, images as `data:<type>;base64,…` URLs.
 */
export function createNimReranker(options: NimRerankerOptions): Reranker {
  const { passageText, imageResolver, ...rest } = options;
  const resolved = parseWithSchema(nimOptionsSchema, rest, "NIM reranker options");
  const rankingRequest =
    (toPassage: (passage: ImagePassage) => object): ScoreChunk<ImagePassage> =>
    async (query, passages, request) => {
      const body = {
        model: resolved.model,
        query: { text: query },
        passages: passages.map(toPassage),
        truncate: resolved.truncate,
      };
      const response = await requestJson(request("/v1/ranking", body), rankingResponseSchema);
      return scoresInRequestOrder(
        response.rankings.map((ranking) => ({ index: ranking.index, score: ranking.logit })),
        passages.length,
        "NIM /v1/ranking",
      );
    };
  const common = {
    name: resolved.name ?? "nim",
    options: resolved,
    maxPassagesPerRequest: resolved.maxPassagesPerRequest ?? 512,
    passageText,
  };
  if (!resolved.acceptsImages) {
    return createRemoteReranker<string>({
      ...common,
      scoreChunk: (query, texts, request) =>
        rankingRequest(({ text }) => ({ text }))(
          query,
          texts.map((text) => ({ text })),
          request,
        ),
    });
  }
  return createRemoteReranker<ImagePassage>({
    ...common,
    acceptsImages: true,
    passageOf: (document, signal) =>
      imagePassageOf(document, passageText ?? defaultPassageText, imageResolver, signal),
    scoreChunk: rankingRequest(({ text, image }) => ({
      ...(text === undefined ? {} : { text }),
      ...(image === undefined ? {} : { image: formatImageDataUrl(image) }),
    })),
  });
}
