import {
  approximateTokenCounter,
  type ChunkMetadata,
  type TokenCounter,
} from "@hybrid-rag/chunking";
import { type Hit, HybridRagError } from "@hybrid-rag/core";
import { citationLocation, type SourceSpanView, sourceSpanOfChunk } from "./citation-location.ts";
import { chunkMetadataOf } from "./collapse-to-parents.ts";

export interface ContextOptions {
  /** Tokens the whole context may take, headers included (required). */
  readonly maxTokens: number;
  /** How tokens are counted (default `approximateTokenCounter`; use the LLM's tokenizer if you can). */
  readonly tokenCounter?: TokenCounter;
}

/** What `[number]` in the context refers to. */
export interface Citation {
  readonly number: number;
  readonly parentId: string;
  readonly source: string;
  readonly title: string | undefined;
  readonly pageStart: number | null;
  readonly pageEnd: number | null;
  readonly pageLabelStart: string | null;
  readonly pageLabelEnd: string | null;
  /** Character range of the passage in the parent's extracted text. */
  readonly start: number;
  readonly end: number;
  /** Where the passage is in the original file (chars, bytes, lines), null when not recorded. */
  readonly sourceSpan: SourceSpanView | null;
  readonly chunkIds: readonly string[];
}

export interface BuiltContext {
  /** Numbered passages, `[1] …`, ready for the prompt. */
  readonly text: string;
  readonly citations: Citation[];
  readonly tokens: number;
  /** Passages that did not fit the budget (best first), so nothing is cut silently. */
  readonly omitted: ReadonlyArray<{
    readonly parentId: string;
    readonly chunkIds: readonly string[];
    readonly tokens: number;
  }>;
}

interface Passage {
  readonly parentId: string;
  readonly bestRank: number;
  readonly title: string | undefined;
  readonly metadata: ChunkMetadata;
  start: number;
  end: number;
  text: string;
  lastIndex: number;
  pageEnd: number | null;
  pageLabelEnd: string | null;
  sourceSpan: SourceSpanView | null;
  readonly chunkIds: string[];
}

/**
 * Packs the best passages into a token budget for an LLM: chunks of the same parent that are
 * adjacent (consecutive chunk indexes) or overlap are merged into one passage, passages are
 * ordered by their best hit, numbered `[1]`, `[2]`, … and each number is a citation (source
 * path, pages, offsets). A passage that does not fit is left out and listed in `omitted`.
 */
export function buildContext(hits: readonly Hit[], options: ContextOptions): BuiltContext {
  if (!Number.isInteger(options.maxTokens) || options.maxTokens < 1) {
    throw new HybridRagError(
      "invalid-argument",
      `maxTokens must be a whole number ≥ 1, got ${options.maxTokens}.`,
    );
  }
  const counter = options.tokenCounter ?? approximateTokenCounter;
  const passages = mergePassages(hits);
  const parts: string[] = [];
  const citations: Citation[] = [];
  const omitted: Array<{ parentId: string; chunkIds: string[]; tokens: number }> = [];
  let used = 0;
  for (const passage of passages) {
    const number = citations.length + 1;
    const block = `[${number}] ${header(passage)}\n${passage.text}`;
    const tokens = counter.count(block);
    if (used + tokens > options.maxTokens) {
      omitted.push({ parentId: passage.parentId, chunkIds: passage.chunkIds, tokens });
      continue;
    }
    used += tokens;
    parts.push(block);
    citations.push({
      number,
      parentId: passage.parentId,
      source: passage.metadata.source,
      title: passage.title,
      pageStart: passage.metadata.pageStart,
      pageEnd: passage.pageEnd,
      pageLabelStart: passage.metadata.pageLabelStart ?? null,
      pageLabelEnd: passage.pageLabelEnd,
      start: passage.start,
      end: passage.end,
      sourceSpan: passage.sourceSpan,
      chunkIds: passage.chunkIds,
    });
  }
  return { text: parts.join("\n\n"), citations, tokens: used, omitted };
}

/** "Title — source, p. 3–4 (printed iii–1)", "Title — guide.md:120-134" */
export function header(passage: {
  title: string | undefined;
  metadata: ChunkMetadata;
  pageEnd: number | null;
  pageLabelEnd: string | null;
  sourceSpan: SourceSpanView | null;
}): string {
  const location = citationLocation({
    source: passage.metadata.source,
    pageStart: passage.metadata.pageStart,
    pageEnd: passage.pageEnd,
    pageLabelStart: passage.metadata.pageLabelStart ?? null,
    pageLabelEnd: passage.pageLabelEnd,
    sourceSpan: passage.sourceSpan,
  });
  return `${passage.title ? `${passage.title} — ` : ""}${location}`;
}

function mergePassages(hits: readonly Hit[]): Passage[] {
  const byParent = new Map<string, Array<{ hit: Hit; rank: number; metadata: ChunkMetadata }>>();
  hits.forEach((hit, position) => {
    const metadata = chunkMetadataOf(hit);
    if (!metadata || hit.document === undefined) {
      throw new HybridRagError(
        "invalid-argument",
        `hit ${JSON.stringify(hit.id)} has no chunk document: search with documents included (the collection's hits have them).`,
      );
    }
    const list = byParent.get(metadata.parentId) ?? [];
    list.push({ hit, rank: position + 1, metadata });
    byParent.set(metadata.parentId, list);
  });
  const passages: Passage[] = [];
  for (const [parentId, chunks] of byParent) {
    chunks.sort((a, b) => a.metadata.start - b.metadata.start);
    let current: Passage | undefined;
    for (const { hit, rank, metadata } of chunks) {
      const text = hit.document!.text;
      if (
        current &&
        (metadata.start <= current.end || metadata.chunkIndex === current.lastIndex + 1)
      ) {
        // Overlapping chunks share text; adjacent ones are separated by whitespace only.
        current.text +=
          metadata.start <= current.end ? text.slice(current.end - metadata.start) : `\n${text}`;
        current.lastIndex = metadata.chunkIndex;
        current.pageEnd = metadata.pageEnd;
        current.pageLabelEnd = metadata.pageLabelEnd ?? null;
        if (metadata.end > current.end) {
          current.sourceSpan = mergeSpans(current.sourceSpan, sourceSpanOfChunk(metadata));
        }
        current.end = Math.max(current.end, metadata.end);
        current.chunkIds.push(hit.id);
        (current as { bestRank: number }).bestRank = Math.min(current.bestRank, rank);
        continue;
      }
      current = {
        parentId,
        bestRank: rank,
        title: hit.document!.title,
        metadata,
        start: metadata.start,
        end: metadata.end,
        text,
        lastIndex: metadata.chunkIndex,
        pageEnd: metadata.pageEnd,
        pageLabelEnd: metadata.pageLabelEnd ?? null,
        sourceSpan: sourceSpanOfChunk(metadata),
        chunkIds: [hit.id],
      };
      passages.push(current);
    }
  }
  return passages.sort((a, b) => a.bestRank - b.bestRank);
}

/** The span from the first chunk's start to the later chunk's end (null if either is unknown). */
function mergeSpans(
  first: SourceSpanView | null,
  later: SourceSpanView | null,
): SourceSpanView | null {
  if (!first || !later) return null;
  return { ...first, charEnd: later.charEnd, byteEnd: later.byteEnd, lineEnd: later.lineEnd };
}
