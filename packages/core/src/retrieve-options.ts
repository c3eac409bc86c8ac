import { HybridRagError } from "./errors.ts";
import type { RetrieveOptions } from "./retriever.ts";
import { parseWithSchema, retrieveOptionsSchema } from "./schemas.ts";

/**
 * Validates a retriever call: throws `invalid-argument` for a bad query or option and
 * `aborted`/`timeout` for a fired signal. Returns the options with defaults applied.
 */
export function validateRetrieveCall(
  retriever: string,
  query: unknown,
  options: unknown,
): Required<Pick<RetrieveOptions, "topK" | "includeDocuments">> & RetrieveOptions {
  if (typeof query !== "string") {
    throw new HybridRagError(
      "invalid-argument",
      `${retriever}: the query must be a string, got ${query === null ? "null" : typeof query}.`,
    );
  }
  const parsed = parseWithSchema(retrieveOptionsSchema, options, `${retriever} retrieve options`);
  if (parsed.signal?.aborted) {
    const reason: unknown = parsed.signal.reason;
    const timedOut = reason instanceof Error && reason.name === "TimeoutError";
    throw new HybridRagError(
      timedOut ? "timeout" : "aborted",
      `${retriever}: retrieval was ${timedOut ? "timed out" : "aborted"} before it started.`,
      { cause: reason },
    );
  }
  return { ...parsed, includeDocuments: parsed.includeDocuments ?? true } as Required<
    Pick<RetrieveOptions, "topK" | "includeDocuments">
  > &
    RetrieveOptions;
}

/** Empty or whitespace-only queries return no hits (not an error) in every retriever. */
export function isBlankQuery(query: string): boolean {
  return query.trim().length === 0;
}
