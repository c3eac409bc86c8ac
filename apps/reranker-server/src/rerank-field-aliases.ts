import { clientError } from "./http-errors.ts";

/**
 * The fields `/v1/rerank`, `/v2/rerank` and the Voyage route read: Cohere's (v1 and v2), Jina's
 * (a subset of Cohere v1's) and Voyage's (`top_k`, `truncation`).
 */
export const rerankFields = [
  "model",
  "query",
  "documents",
  "top_n",
  "top_k",
  "return_documents",
  "rank_fields",
  "max_tokens_per_doc",
  "max_chunks_per_doc",
  "priority",
  "truncation",
] as const;

/**
 * camelCase spellings clients send as they are: cohere-ai v8's V2 client has no typed
 * `returnDocuments`, and passes an untyped one through unconverted. Each is read as its
 * snake_case field, since dropping it would change the answer.
 */
const aliases: Readonly<Record<string, (typeof rerankFields)[number]>> = {
  topN: "top_n",
  topK: "top_k",
  returnDocuments: "return_documents",
  rankFields: "rank_fields",
  maxTokensPerDoc: "max_tokens_per_doc",
  maxChunksPerDoc: "max_chunks_per_doc",
};

const known: ReadonlySet<string> = new Set(rerankFields);

/**
 * The body with camelCase aliases renamed to their fields. A field the server does not know is a
 * 422 naming it — never dropped, since whatever it asks for would silently not happen — and so
 * is an alias sent beside its field with a different value.
 */
export function withCanonicalFieldNames(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const result: Record<string, unknown> = {};
  const entries = Object.entries(body as Record<string, unknown>);
  for (const [name, value] of entries) if (known.has(name)) result[name] = value;
  const unknown: string[] = [];
  for (const [name, value] of entries) {
    if (known.has(name)) continue;
    const field = aliases[name];
    if (field === undefined) {
      unknown.push(name);
      continue;
    }
    if (field in result && JSON.stringify(result[field]) !== JSON.stringify(value)) {
      throw clientError(
        422,
        `The rerank request sends both "${field}" and its alias "${name}" with different values: send one of them.`,
      );
    }
    result[field] = value;
  }
  if (unknown.length > 0) {
    const named = unknown
      .slice(0, 10)
      .map((name) => JSON.stringify(name.slice(0, 64)))
      .join(", ");
    throw clientError(
      422,
      `Unknown field${unknown.length > 1 ? "s" : ""} ${named}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ""} in the rerank request: this server would not act on ${unknown.length > 1 ? "them" : "it"}, which could change the answer. Known fields: ${rerankFields.join(", ")} (camelCase forms such as returnDocuments and topN are read too).`,
    );
  }
  return result;
}
