import {
  type Embedder,
  type EmbedOptions,
  HybridRagError,
  remoteClientOptionsSchema,
} from "@hybrid-rag/core";
import {
  assertStrings,
  ConcurrencyLimit,
  chunked,
  describeErrorBody,
  type HttpRequest,
  type ResolvedRemoteClientOptions,
  remotePost,
  throwIfAborted,
} from "@hybrid-rag/core/internal";
import { z } from "zod";

export const remoteEmbedderOptionsSchema = remoteClientOptionsSchema.extend({
  /** Length of the vectors the server returns; checked on every response. */
  dimension: z.number().int().min(1),
  /** Split larger calls into requests of at most this many texts. */
  maxInputsPerRequest: z.number().int().min(1).optional(),
});

export type RemoteEmbedderOptions = z.input<typeof remoteEmbedderOptionsSchema>;

export type InputKind = "query" | "passage";

/** Embeds one request's worth of texts, returning vectors in request order. */
export type EmbedChunk = (
  texts: readonly string[],
  kind: InputKind,
  request: (path: string, body: unknown) => HttpRequest,
) => Promise<number[][]>;

export interface RemoteEmbedderDefinition {
  readonly name: string;
  readonly options: ResolvedRemoteClientOptions & { readonly dimension: number };
  readonly maxInputsPerRequest: number;
  readonly embedChunk: EmbedChunk;
}

/**
 * An Embedder over an HTTP embedding API: calls with more texts than the server takes are
 * split into several requests (`concurrency` at a time) and every vector's length is checked.
 */
export function createRemoteEmbedder(definition: RemoteEmbedderDefinition): Embedder {
  const { name, options } = definition;
  const limit = new ConcurrencyLimit(options.concurrency);
  const embed = async (
    texts: readonly string[],
    kind: InputKind,
    embedOptions?: EmbedOptions,
  ): Promise<Float32Array[]> => {
    throwIfAborted(embedOptions?.signal, `${name} embedding`);
    assertStrings(texts, `${name} embedding`);
    const context = {
      what: `${name} request`,
      describeError: describeErrorBody,
      signal: embedOptions?.signal,
    };
    const request = (path: string, body: unknown) => remotePost(options, path, body, context);
    const chunks = chunked(texts, definition.maxInputsPerRequest);
    const results = await Promise.all(
      chunks.map((chunk) =>
        limit.run(async () => {
          const vectors = await definition.embedChunk(chunk, kind, request);
          if (vectors.length !== chunk.length) {
            throw new HybridRagError(
              "corrupt-data",
              `${name} returned ${vectors.length} vectors for ${chunk.length} texts.`,
            );
          }
          return vectors;
        }),
      ),
    );
    return results.flat().map((vector, index) => {
      if (vector.length !== options.dimension) {
        throw new HybridRagError(
          "corrupt-data",
          `${name} returned a vector of length ${vector.length} for input ${index}, but dimension is ${options.dimension}; set dimension to the model's.`,
        );
      }
      return Float32Array.from(vector);
    });
  };
  return {
    name,
    dimension: options.dimension,
    embedQueries: (texts, embedOptions) => embed(texts, "query", embedOptions),
    embedPassages: (texts, embedOptions) => embed(texts, "passage", embedOptions),
  };
}

/** The OpenAI embeddings response, which NIM and TEI's /v1/embeddings share. */
export const openAiEmbeddingsResponseSchema = z.looseObject({
  data: z.array(z.looseObject({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
});

/** Vectors from an OpenAI-shaped response, put in request order by `index`. */
export function vectorsInRequestOrder(
  response: z.output<typeof openAiEmbeddingsResponseSchema>,
  count: number,
  what: string,
): number[][] {
  const vectors: number[][] = new Array(count);
  for (const item of response.data) {
    if (item.index >= count || vectors[item.index]) {
      throw new HybridRagError(
        "corrupt-data",
        `${what} returned an unexpected index ${item.index} for ${count} inputs.`,
      );
    }
    vectors[item.index] = item.embedding;
  }
  if (response.data.length !== count) {
    throw new HybridRagError(
      "corrupt-data",
      `${what} returned ${response.data.length} vectors for ${count} inputs.`,
    );
  }
  return vectors;
}
