import type { ChunkMetadata } from "@hybrid-rag/chunking";
import {
  type ErrorCode,
  errorCodes,
  type Hit,
  HybridRagError,
  type SourceEvidence,
} from "@hybrid-rag/core";
import { searchResponseSchema } from "@hybrid-rag/search-server/api";
import type { z } from "zod";

type Passage = z.output<typeof searchResponseSchema>["passages"][number];

export interface ServerSearchResult {
  readonly hits: Hit[];
  readonly timings: Record<string, number>;
  readonly warnings: string[];
  /** By parent id: the other documents holding the same text (as a local search lists them). */
  readonly alsoIn: Readonly<Record<string, readonly { readonly source: string }[]>>;
}

/**
 * Asks a running `hybrid-rag serve` (`POST /v1/search`) and turns its cited passages back into
 * hits (with their original-file spans, page labels and near-duplicate copies), so `search`
 * prints them exactly as it prints a search it runs itself. Sends
 * `HYBRID_RAG_API_KEY` as the bearer key when it is set.
 */
export async function searchThroughServer(
  url: string,
  query: string,
  options: { readonly topK: number; readonly candidates: number },
): Promise<ServerSearchResult> {
  const apiKey = process.env.HYBRID_RAG_API_KEY;
  let response: Response;
  try {
    response = await fetch(new URL("/v1/search", url), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({ query, top_k: options.topK, candidates: options.candidates }),
    });
  } catch (error) {
    const cause =
      errorCodeOf(error) ?? (error as { cause?: Error }).cause?.message ?? String(error);
    throw new HybridRagError(
      "unavailable",
      `No hybrid-rag serve answers at ${url} (${cause}): start one with \`hybrid-rag serve <dir>\`, or leave --server out to open the collection directly.`,
      { cause: error },
    );
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const answer = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const code = errorCodes.includes(answer?.code as ErrorCode)
      ? (answer?.code as ErrorCode)
      : "unavailable";
    throw new HybridRagError(
      code,
      `hybrid-rag serve at ${url} answered ${response.status}: ${answer?.message ?? "no error message"}`,
    );
  }
  const parsed = searchResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new HybridRagError(
      "unavailable",
      `${url} answered /v1/search with something that is not a hybrid-rag serve answer (${parsed.error.issues[0]?.message}); check the URL.`,
    );
  }
  const alsoIn: Record<string, { source: string }[]> = {};
  for (const passage of parsed.data.passages) {
    if (passage.alsoIn.length > 0) alsoIn[passage.parentId] = passage.alsoIn;
  }
  return {
    hits: parsed.data.passages.map(hitOf),
    timings: parsed.data.timings,
    warnings: parsed.data.warnings,
    alsoIn,
  };
}

function hitOf(passage: Passage): Hit {
  const sources: Record<string, SourceEvidence> = {};
  for (const [name, found] of Object.entries(passage.provenance.retrievers)) {
    sources[name] = found
      ? { status: "found", rank: found.rank, score: found.score }
      : { status: "absent" };
  }
  // The chunk metadata the citation is printed from, as the collection stores it.
  const span = passage.sourceSpan;
  const metadata: Partial<ChunkMetadata> = {
    parentId: passage.parentId,
    source: passage.source,
    headingPath: passage.headingPath,
    pageStart: passage.pageStart,
    pageEnd: passage.pageEnd,
    pageLabelStart: passage.pageLabelStart,
    pageLabelEnd: passage.pageLabelEnd,
    ...(passage.start !== null ? { start: passage.start } : {}),
    ...(passage.end !== null ? { end: passage.end } : {}),
    sourceCharStart: span?.charStart ?? null,
    sourceCharEnd: span?.charEnd ?? null,
    sourceByteStart: span?.byteStart ?? null,
    sourceByteEnd: span?.byteEnd ?? null,
    sourceLineStart: span?.lineStart ?? null,
    sourceLineEnd: span?.lineEnd ?? null,
    sourceEntry: span?.entry ?? null,
  };
  return {
    id: passage.id,
    rank: passage.rank,
    score: passage.score,
    document: {
      id: passage.id,
      text: passage.text,
      ...(passage.title !== null ? { title: passage.title } : {}),
      metadata: metadata as ChunkMetadata,
    },
    // The reranker's score is the hit's score; the server does not send the rank before it.
    sources,
  };
}

/** The system error code (ECONNREFUSED, …) under fetch's "fetch failed", through its causes. */
function errorCodeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, errors, cause } = current as {
      code?: unknown;
      errors?: unknown[];
      cause?: unknown;
    };
    if (typeof code === "string") return code;
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return undefined;
}
