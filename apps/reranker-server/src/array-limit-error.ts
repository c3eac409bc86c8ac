import type { HybridRagError } from "@hybrid-rag/core";
import { clientError } from "./http-errors.ts";

/** Lists of passages: their limit is the request's size, raised with RERANKER_MAX_PASSAGES. */
const passageLists = new Set(["passages", "documents"]);

/**
 * The 422 for an array refused by the scan before `JSON.parse`, naming the field that holds it:
 * 600 `rank_fields` are not "too many passages".
 */
export function tooLongArrayError(
  body: string,
  failure: HybridRagError,
  limit: number,
): HybridRagError {
  const arrayOffset = failure.details?.arrayOffset;
  const field = typeof arrayOffset === "number" ? fieldBefore(body, arrayOffset) : undefined;
  const where = `(at character ${String(failure.details?.offset)})`;
  if (field !== undefined && passageLists.has(field)) {
    return clientError(
      422,
      `The request's "${field}" has more than ${limit} items ${where}: send at most ${limit} ${field} per request, or raise RERANKER_MAX_PASSAGES.`,
    );
  }
  const what = field === undefined ? "The request has an array" : `The request's "${field}" has`;
  const fieldHint =
    field === "rank_fields"
      ? "rank_fields names the fields of each document to rank on; name only those"
      : "no field of a ranking request needs that many";
  return clientError(
    422,
    `${what} more than ${limit} items ${where}: ${fieldHint} (every array in a request holds at most RERANKER_MAX_PASSAGES = ${limit} items).`,
  );
}

/** The object key just before offset `arrayOffset` (`"key" : [`), if it is a plain name. */
function fieldBefore(body: string, arrayOffset: number): string | undefined {
  const head = body.slice(Math.max(0, arrayOffset - 200), arrayOffset);
  return /"([A-Za-z0-9_.-]{1,64})"\s*:\s*$/.exec(head)?.[1];
}
