import { type Embedder, parseWithSchema } from "@hybrid-rag/core";
import { requestJson } from "@hybrid-rag/core/internal";
import { z } from "zod";
import { createRemoteEmbedder, remoteEmbedderOptionsSchema } from "./remote-embedder.ts";

const teiOptionsSchema = remoteEmbedderOptionsSchema.extend({
  normalize: z.boolean().default(true),
  truncate: z.boolean().default(true),
  truncationDirection: z.enum(["Right", "Left"]).default("Right"),
  /** Prompts configured on the server (`prompt_name`), e.g. "query"; or client-side prefixes. */
  queryPromptName: z.string().optional(),
  passagePromptName: z.string().optional(),
  queryPrefix: z.string().default(""),
  passagePrefix: z.string().default(""),
});

export type TeiEmbedderOptions = z.input<typeof teiOptionsSchema>;

const embedResponseSchema = z.array(z.array(z.number()));

/**
 * Hugging Face Text Embeddings Inference, `POST /embed`; split at 32 texts per request, TEI's
 * default `--max-client-batch-size`.
 */
export function createTeiEmbedder(options: TeiEmbedderOptions): Embedder {
  const resolved = parseWithSchema(teiOptionsSchema, options, "TEI embedder options");
  return createRemoteEmbedder({
    name: resolved.name ?? "tei-embedder",
    options: resolved,
    maxInputsPerRequest: resolved.maxInputsPerRequest ?? 32,
    embedChunk: async (texts, kind, request) => {
      const prefix = kind === "query" ? resolved.queryPrefix : resolved.passagePrefix;
      const promptName = kind === "query" ? resolved.queryPromptName : resolved.passagePromptName;
      const body = {
        inputs: texts.map((text) => `${prefix}${text}`),
        normalize: resolved.normalize,
        truncate: resolved.truncate,
        truncation_direction: resolved.truncationDirection,
        ...(promptName ? { prompt_name: promptName } : {}),
      };
      return requestJson(request("/embed", body), embedResponseSchema);
    },
  });
}
