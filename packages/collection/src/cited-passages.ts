import type { Hit, MetadataFilter } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import type { Pipeline } from "@hybrid-rag/pipeline";
import { type SourceSpanView, sourceSpanOfChunk } from "./citation-location.ts";
import { chunkMetadataOf } from "./collapse-to-parents.ts";
import type { CollectionSearchOptions, CollectionSearchResult } from "./hybrid-collection.ts";

/** One hit as an LLM, an agent or another process reads it: the text and where it comes from. */
export interface CitedPassage {
  /** The chunk id (the hit's id): `get_passage`, `GET /passages/:id` and provenance use it. */
  readonly id: string;
  /** 1-based position in the result list. */
  readonly rank: number;
  readonly score: number;
  /** The parent document's id (the hit's own id when the hit is not a chunk). */
  readonly parentId: string;
  /** The file or URL the parent was loaded from (the parent id when unknown). */
  readonly source: string;
  readonly title: string | null;
  /** First and last PDF page of the passage (null for other formats). */
  readonly pageStart: number | null;
  readonly pageEnd: number | null;
  /** The printed labels of those pages when the PDF declares page labels (else null). */
  readonly pageLabelStart: string | null;
  readonly pageLabelEnd: string | null;
  /** Character range `[start, end)` in the parent's extracted text (null when the hit is not a chunk). */
  readonly start: number | null;
  readonly end: number | null;
  /** Where the passage is in the original file: chars, bytes, lines (see `SourceSpanView`). */
  readonly sourceSpan: SourceSpanView | null;
  readonly headingPath: readonly string[];
  readonly text: string;
  /** Why the hit is here: each retriever's rank and raw score, and the reranker's score if any. */
  readonly provenance: {
    readonly retrievers: Readonly<Record<string, { rank: number; score: number } | null>>;
    readonly rerankScore: number | null;
  };
}

/** Anything that searches: a collection (`HybridCollection`, `EmbeddedCollection`) or a pipeline. */
export type SearchSource =
  | {
      search(query: string, options?: CollectionSearchOptions): Promise<CollectionSearchResult>;
    }
  | Pick<Pipeline, "run">;

export interface SearchPassagesOptions {
  /** Passages returned (default 10; a pipeline returns at most its own `topK.final`). */
  readonly topK?: number;
  readonly filter?: MetadataFilter;
  readonly signal?: AbortSignal;
}

export interface PassageSearchResult {
  readonly hits: Hit[];
  readonly passages: CitedPassage[];
  readonly warnings: string[];
}

/** The cited passage of one hit (its document must be attached, as collection hits are). */
export function citedPassage(hit: Hit): CitedPassage {
  if (hit.document === undefined) {
    throw new HybridRagError(
      "invalid-argument",
      `hit ${JSON.stringify(hit.id)} carries no document, so there is no passage to cite: search with documents included (the default).`,
    );
  }
  const chunk = chunkMetadataOf(hit);
  const metadataSource = hit.document.metadata?.source;
  const retrievers: Record<string, { rank: number; score: number } | null> = {};
  for (const [name, evidence] of Object.entries(hit.sources)) {
    retrievers[name] =
      evidence.status === "found" ? { rank: evidence.rank, score: evidence.score } : null;
  }
  return {
    id: hit.id,
    rank: hit.rank,
    score: hit.score,
    parentId: chunk?.parentId ?? hit.id,
    source: chunk?.source ?? (typeof metadataSource === "string" ? metadataSource : hit.id),
    title: hit.document.title ?? null,
    pageStart: chunk?.pageStart ?? null,
    pageEnd: chunk?.pageEnd ?? null,
    pageLabelStart: chunk?.pageLabelStart ?? null,
    pageLabelEnd: chunk?.pageLabelEnd ?? null,
    start: chunk?.start ?? null,
    end: chunk?.end ?? null,
    sourceSpan: chunk ? sourceSpanOfChunk(chunk) : null,
    headingPath: chunk?.headingPath ?? [],
    text: hit.document.text,
    provenance: { retrievers, rerankScore: hit.rerank?.score ?? null },
  };
}

/**
 * Runs a collection search or a pipeline and returns the hits with their cited passages: the
 * one path every integration (AI SDK tool, LangChain and LlamaIndex retrievers, MCP, HTTP)
 * goes through, so they all cite the same way.
 */
export async function searchPassages(
  source: SearchSource,
  query: string,
  options: SearchPassagesOptions = {},
): Promise<PassageSearchResult> {
  const topK = options.topK ?? 10;
  if (!Number.isInteger(topK) || topK < 1 || topK > 10_000) {
    throw new HybridRagError(
      "invalid-argument",
      `topK must be a whole number from 1 to 10000, got ${JSON.stringify(topK)}.`,
    );
  }
  const common = {
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const result =
    "search" in source
      ? await source.search(query, { topK, ...common })
      : await source.run(query, common);
  const hits = result.hits.slice(0, topK);
  return { hits, passages: hits.map(citedPassage), warnings: result.warnings };
}
