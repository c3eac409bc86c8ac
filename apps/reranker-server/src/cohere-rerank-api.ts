import { z } from "zod";

// Cohere's SDK (cohere-ai 8) sends JSON `null` for every optional the caller left `undefined`,
// so each optional accepts `null` as "absent", as Cohere's API does.
const absentOr = <Schema extends z.ZodType>(schema: Schema) =>
  schema.nullish().transform((value) => value ?? undefined);

/** A v1 document: a string, or an object whose fields are kept and echoed back as sent. */
const cohereDocumentSchema = z.union([z.string(), z.record(z.string(), z.unknown())], {
  error: "each document must be a string or an object such as {text}",
});

export type CohereDocument = z.output<typeof cohereDocumentSchema>;

/**
 * Cohere `POST /v1/rerank` and `/v2/rerank` request body (one schema: v2 is v1 less
 * `rank_fields`/`return_documents`/`max_chunks_per_doc`, plus `max_tokens_per_doc`/`priority`),
 * which Jina's requests are a subset of, plus Voyage's `top_k` and `truncation`. Strict: unknown
 * fields are refused (see `withCanonicalFieldNames`, which runs first and names them).
 */
export const cohereRerankRequestSchema = z.strictObject({
  model: absentOr(z.string().min(1, "model must not be empty")),
  query: z.string({ error: "query must be a string" }),
  documents: z.array(cohereDocumentSchema, { error: "documents must be an array" }),
  top_n: absentOr(z.number().int().min(1, "top_n must be at least 1")),
  /** Voyage's name for top_n. */
  top_k: absentOr(z.number().int().min(1, "top_k must be at least 1")),
  /** Voyage: false refuses an over-long query + document (422) instead of cutting it. */
  truncation: absentOr(z.boolean({ error: "truncation must be true or false" })),
  return_documents: absentOr(z.boolean({ error: "return_documents must be true or false" })),
  /** v1: the object fields to rank on, in order (default: `text`). */
  rank_fields: absentOr(
    z.array(z.string().min(1), { error: "rank_fields must be an array of field names" }).min(1),
  ),
  /** v2: each document is cut to this many tokens before it is paired with the query. */
  max_tokens_per_doc: absentOr(
    z.number().int({ error: "max_tokens_per_doc must be an integer" }).min(1),
  ),
  /** v1: we score one chunk per document (the start, cut at the model's limit). */
  max_chunks_per_doc: absentOr(
    z.number().int().min(1).max(1, {
      error:
        "max_chunks_per_doc above 1 is not supported: this server scores the start of each document (cut at max_tokens_per_doc or the model's limit); send 1 or leave it out",
    }),
  ),
  /** v2: a scheduling hint; requests here are served first come, first served. */
  priority: absentOr(z.number().int().min(0)),
});

export type CohereRerankRequest = z.output<typeof cohereRerankRequestSchema>;

export interface CohereRerankResponse {
  readonly id: string;
  readonly results: ReadonlyArray<{
    readonly index: number;
    readonly relevance_score: number;
    readonly document?: CohereDocument | { readonly text: string };
  }>;
  readonly meta: {
    readonly api_version: { readonly version: string };
    readonly billed_units: { readonly search_units: number };
    readonly tokens: { readonly input_tokens: number; readonly output_tokens: number };
  };
  /** Jina's clients read these two. */
  readonly model: string;
  readonly usage: { readonly total_tokens: number };
}

/** Voyage's rerank answer (`POST /voyage/v1/rerank`), what its SDK reads. */
export interface VoyageRerankResponse {
  readonly object: "list";
  readonly data: ReadonlyArray<{
    readonly index: number;
    readonly relevance_score: number;
    /** As sent (Voyage documents are strings). */
    readonly document?: CohereDocument;
  }>;
  readonly model: string;
  readonly usage: { readonly total_tokens: number };
}
