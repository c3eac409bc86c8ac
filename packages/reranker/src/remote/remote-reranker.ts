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
export type ScoreChunk = (
  query: string,
  passages: readonly string[],
  request: (path: string, body: unknown) => HttpRequest,
) => Promise<ArrayLike<number>>;

export interface RemoteRerankerDefinition {
  readonly name: string;
  readonly options: ResolvedRemoteClientOptions;
  readonly maxPassagesPerRequest: number;
  readonly scoreChunk: ScoreChunk;
  readonly passageText: ((document: Document) => string) | undefined;
}

/**
 * A Reranker over an HTTP ranking API: candidate lists longer than the server's limit are
 * split into several requests (run `concurrency` at a time), and the scores merged back.
 */
export function createRemoteReranker(definition: RemoteRerankerDefinition): Reranker {
  const { name, options } = definition;
  const limit = new ConcurrencyLimit(options.concurrency);
  const passageText = definition.passageText ?? defaultPassageText;
  return {
    name,
    rerank(
      query: string,
      candidates: readonly Hit[],
      rerankOptions?: RerankOptions,
    ): Promise<Hit[]> {
      const context = {
        what: `${name} request`,
        describeError: describeErrorBody,
        signal: rerankOptions?.signal,
      };
      const request = (path: string, body: unknown) => remotePost(options, path, body, context);
      return rerankHits(name, candidates, rerankOptions, passageText, async (passages) => {
        const chunks = chunked(passages, definition.maxPassagesPerRequest);
        const chunkScores = await Promise.all(
          chunks.map((chunk) => limit.run(() => definition.scoreChunk(query, chunk, request))),
        );
        return chunkScores.flatMap((scores) => Array.from(scores));
      });
    },
  };
}
