import {
  approximateTokenCounter,
  type ChunkMetadata,
  type TokenCounter,
} from "@hybrid-rag/chunking";
import { type Hit, HybridRagError } from "@hybrid-rag/core";
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
  /** Character range of the passage in the parent's text. */
  readonly start: number;
  readonly end: number;
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
      start: passage.start,
      end: passage.end,
      chunkIds: passage.chunkIds,
    });
  }
  return { text: parts.join("\n\n"), citations, tokens: used, omitted };
}

/** "Title — source, p. 3–4" */
export function header(passage: {
  title: string | undefined;
  metadata: ChunkMetadata;
  pageEnd: number | null;
}): string {
  const { source, pageStart } = passage.metadata;
  const pages =
    pageStart === null
      ? ""
      : pageStart === passage.pageEnd
        ? `, p. ${pageStart}`
        : `, pp. ${pageStart}–${passage.pageEnd}`;
  return `${passage.title ? `${passage.title} — ` : ""}${source}${pages}`;
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
        current.end = Math.max(current.end, metadata.end);
        current.lastIndex = metadata.chunkIndex;
        current.pageEnd = metadata.pageEnd;
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
        chunkIds: [hit.id],
      };
      passages.push(current);
    }
  }
  return passages.sort((a, b) => a.bestRank - b.bestRank);
}
