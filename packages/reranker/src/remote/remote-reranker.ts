import type { Document, Hit, Reranker, RerankOptions } from "@hybrid-rag/core";
import { ConcurrencyLimit, type HttpRequest } from "@hybrid-rag/models";
import { defaultPassageText, rerankHits } from "../rerank-hits.ts";
import { joinUrl, type ResolvedRemoteOptions, requestHeaders } from "./remote-options.ts";

/** Scores one request's worth of passages, in request order. */
export type ScoreChunk = (
  query: string,
  passages: readonly string[],
  request: (path: string, body: unknown) => HttpRequest,
) => Promise<ArrayLike<number>>;

export interface RemoteRerankerDefinition {
  readonly name: string;
  readonly options: ResolvedRemoteOptions;
  readonly maxPassagesPerRequest: number;
  readonly describeError: (body: unknown) => string | undefined;
  readonly scoreChunk: ScoreChunk;
  readonly passageText?: (document: Document) => string;
}

/**
 * A Reranker over an HTTP ranking API: candidate lists longer than the server's limit are
 * split into several requests (run `concurrency` at a time), and the scores merged back.
 */
export function createRemoteReranker(definition: RemoteRerankerDefinition): Reranker {
  const { name, options } = definition;
  const limit = new ConcurrencyLimit(options.concurrency);
  return {
    name,
    rerank(
      query: string,
      candidates: readonly Hit[],
      rerankOptions?: RerankOptions,
    ): Promise<Hit[]> {
      const signal = rerankOptions?.signal;
      const request = (path: string, body: unknown): HttpRequest => ({
        url: joinUrl(options.baseUrl, path),
        body,
        headers: requestHeaders(options),
        what: `${name} request`,
        timeoutMs: options.timeoutMs,
        describeError: definition.describeError,
        ...(options.retry ? { retry: options.retry } : {}),
        ...(signal ? { signal } : {}),
      });
      return rerankHits(
        name,
        candidates,
        rerankOptions,
        definition.passageText ?? defaultPassageText,
        async (passages) => {
          const size = definition.maxPassagesPerRequest;
          const chunks: string[][] = [];
          for (let start = 0; start < passages.length; start += size)
            chunks.push(passages.slice(start, start + size));
          const chunkScores = await Promise.all(
            chunks.map((chunk) => limit.run(() => definition.scoreChunk(query, chunk, request))),
          );
          return chunkScores.flatMap((scores) => Array.from(scores));
        },
      );
    },
  };
}
