import type { Document, Hit, Reranker, RerankOptions } from "@hybrid-rag/core";
import { remoteClientOptionsSchema } from "@hybrid-rag/core";
import {
  ConcurrencyLimit,
  chunked,
  describeErrorBody,
  type HttpRequest,
  type ResolvedRemoteClientOptions,
  remotePost,
} from "@hybrid-rag/core/internal";
import { z } from "zod";
import { defaultPassageText, rerankHits } from "../rerank-hits.ts";

export const remoteRerankerOptionsSchema = remoteClientOptionsSchema.extend({
  /** Split larger candidate lists into requests of at most this many passages. */
  maxPassagesPerRequest: z.number().int().min(1).optional(),
});

export type RemoteRerankerOptions = z.input<typeof remoteRerankerOptionsSchema>;

/** Scores one request's worth of passages, in request order. */
export type ScoreChunk<Passage = string> = (
  query: string,
  passages: readonly Passage[],
  request: (path: string, body: unknown) => HttpRequest,
) => Promise<ArrayLike<number>>;

export interface RemoteRerankerDefinition<Passage = string> {
  readonly name: string;
  readonly options: ResolvedRemoteClientOptions;
  readonly maxPassagesPerRequest: number;
  readonly scoreChunk: ScoreChunk<Passage>;
  /** What a document becomes in the request (text rerankers: the default passage text). */
  readonly passageOf?: (document: Document, signal?: AbortSignal) => Passage | Promise<Passage>;
  readonly passageText?: ((document: Document) => string) | undefined;
  /** True for endpoints that score images (`Reranker.accepts`); false: text only. */
  readonly acceptsImages?: boolean;
}

/**
 * A Reranker over an HTTP ranking API: candidate lists longer than the server's limit are
 * split into several requests (run `concurrency` at a time), and the scores merged back.
 */
export function createRemoteReranker<Passage = string>(
  definition: RemoteRerankerDefinition<Passage>,
): Reranker {
  const { name, options } = definition;
  const limit = new ConcurrencyLimit(options.concurrency);
  const acceptsImages = definition.acceptsImages === true;
  const textOf = definition.passageText ?? defaultPassageText;
  const passageOf =
    definition.passageOf ?? ((document: Document) => textOf(document) as unknown as Passage);
  return {
    name,
    ...(acceptsImages ? { accepts: { images: true } } : {}),
    rerank(
      query: string,
      candidates: readonly Hit[],
      rerankOptions?: RerankOptions,
    ): Promise<Hit[]> {
      const signal = rerankOptions?.signal;
      const context = { what: `${name} request`, describeError: describeErrorBody, signal };
      const request = (path: string, body: unknown) => remotePost(options, path, body, context);
      const passages = {
        passageOf: (document: Document) => passageOf(document, signal),
        acceptsImages,
      };
      return rerankHits(name, candidates, rerankOptions, passages, async (all) => {
        const chunks = chunked(all, definition.maxPassagesPerRequest);
        const chunkScores = await Promise.all(
          chunks.map((chunk) => limit.run(() => definition.scoreChunk(query, chunk, request))),
        );
        return chunkScores.flatMap((scores) => Array.from(scores));
      });
    },
  };
}
