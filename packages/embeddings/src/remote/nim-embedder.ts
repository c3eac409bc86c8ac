import { type Embedder, parseWithSchema } from "@hybrid-rag/core";
import { requestJson } from "@hybrid-rag/core/internal";
import { z } from "zod";
import {
  createRemoteEmbedder,
  openAiEmbeddingsResponseSchema,
  remoteEmbedderOptionsSchema,
  vectorsInRequestOrder,
} from "./remote-embedder.ts";

const nimOptionsSchema = remoteEmbedderOptionsSchema.extend({
  model: z.string().min(1),
  truncate: z.enum(["NONE", "START", "END"]).default("END"),
  /** Send `dimensions` (for models with Matryoshka embeddings). */
  sendDimensions: z.boolean().default(false),
});

export type NimEmbedderOptions = z.input<typeof nimOptionsSchema>;

/**
 * NVIDIA Embedding NIM, `POST /v1/embeddings` with `input_type` "query" or "passage" (the
 * server applies the model's prefixes). Requests hold at most `maxInputsPerRequest` texts
 * (default 64; set it to your NIM's maximum batch size).
 */
export function createNimEmbedder(options: NimEmbedderOptions): Embedder {
  const resolved = parseWithSchema(nimOptionsSchema, options, "NIM embedder options");
  return createRemoteEmbedder({
    name: resolved.name ?? "nim-embedder",
    options: resolved,
    maxInputsPerRequest: resolved.maxInputsPerRequest ?? 64,
    embedChunk: async (texts, kind, request) => {
      const body = {
        model: resolved.model,
        input: texts,
        input_type: kind,
        encoding_format: "float",
        truncate: resolved.truncate,
        ...(resolved.sendDimensions ? { dimensions: resolved.dimension } : {}),
      };
      const response = await requestJson(
        request("/v1/embeddings", body),
        openAiEmbeddingsResponseSchema,
      );
      return vectorsInRequestOrder(response, texts.length, "NIM /v1/embeddings");
    },
  });
}
