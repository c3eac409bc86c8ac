import { type Embedder, parseWithSchema } from "@hybrid-rag/core";
import { requestJson } from "@hybrid-rag/core/internal";
import { z } from "zod";
import {
  createRemoteEmbedder,
  openAiEmbeddingsResponseSchema,
  remoteEmbedderOptionsSchema,
  vectorsInRequestOrder,
} from "./remote-embedder.ts";

const openAiOptionsSchema = remoteEmbedderOptionsSchema.extend({
  baseUrl: z.url().default("https://api.openai.com"),
  model: z.string().min(1),
  /** Send `dimensions` (text-embedding-3 models can shorten their vectors). */
  sendDimensions: z.boolean().default(false),
  /** Prefixes for models that need them; the API itself has no query/passage distinction. */
  queryPrefix: z.string().default(""),
  passagePrefix: z.string().default(""),
});

export type OpenAiEmbedderOptions = z.input<typeof openAiOptionsSchema>;

/**
 * OpenAI-compatible `POST /v1/embeddings` (OpenAI, vLLM, TEI, LiteLLM, …): at most 2,048 inputs
 * per request, so larger calls are split.
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const resolved = parseWithSchema(openAiOptionsSchema, options, "OpenAI embedder options");
  return createRemoteEmbedder({
    name: resolved.name ?? "openai",
    options: resolved,
    maxInputsPerRequest: resolved.maxInputsPerRequest ?? 2048,
    embedChunk: async (texts, kind, request) => {
      const prefix = kind === "query" ? resolved.queryPrefix : resolved.passagePrefix;
      const body = {
        model: resolved.model,
        input: texts.map((text) => `${prefix}${text}`),
        encoding_format: "float",
        ...(resolved.sendDimensions ? { dimensions: resolved.dimension } : {}),
      };
      const response = await requestJson(
        request("/v1/embeddings", body),
        openAiEmbeddingsResponseSchema,
      );
      return vectorsInRequestOrder(response, texts.length, "OpenAI /v1/embeddings");
    },
  });
}
