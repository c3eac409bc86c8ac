import type { Document } from "@hybrid-rag/core";
import type { HeadingHint, PageHint, SourceSegment } from "@hybrid-rag/loaders";
import { type Chunk, chunkId } from "./chunk.ts";
import {
  type ChunkingOptions,
  type ResolvedChunkingOptions,
  resolveChunkingOptions,
} from "./chunking-options.ts";
import { type Piece, splitIntoPieces } from "./pieces.ts";
import { sourceSpanOf } from "./source-span.ts";

/** A document to chunk: any core Document; loaders' documents add source, headings, pages and segments. */
export interface ChunkableDocument extends Document {
  readonly source?: string;
  readonly headings?: readonly HeadingHint[];
  readonly pages?: readonly PageHint[];
  /** Where the text's blocks are in the original file (loaders record them). */
  readonly segments?: readonly SourceSegment[];
  readonly encoding?: string;
}

export interface ChunkedDocument {
  readonly chunks: Chunk[];
  /** Chunks longer than `modelMaxTokens` (kept whole and counted, never cut silently). */
  readonly oversized: readonly Chunk[];
}

export interface Chunker {
  readonly options: ResolvedChunkingOptions;
  chunk(document: ChunkableDocument): ChunkedDocument;
}

/**
 * Splits on structure first, then tokens: the text is cut at every heading into sections, each
 * section into paragraphs, sentences and words as far as needed to fit `maxTokens`, then the
 * pieces are packed greedily into chunks, the last `overlapTokens` of one chunk repeated at the
 * start of the next. Chunks never cross a heading. Each chunk is an exact slice of the parent.
 */
export function createChunker(options: ChunkingOptions = {}): Chunker {
  const resolved = resolveChunkingOptions(options);
  return { options: resolved, chunk: (document) => chunkDocument(document, resolved) };
}

function chunkDocument(
  document: ChunkableDocument,
  options: ResolvedChunkingOptions,
): ChunkedDocument {
  const { text } = document;
  const headings = [...(document.headings ?? [])].sort((a, b) => a.start - b.start);
  const boundaries = [
    0,
    ...headings.map((heading) => heading.start).filter((start) => start > 0),
    text.length,
  ];
  const spans: Array<{ start: number; end: number }> = [];
  for (let i = 0; i + 1 < boundaries.length; i++) {
    const piecesOfSection = splitIntoPieces(
      text,
      boundaries[i]!,
      boundaries[i + 1]!,
      options.maxTokens,
      options.tokenCounter,
    );
    spans.push(...pack(piecesOfSection, options.maxTokens, options.overlapTokens));
  }
  const chunks: Chunk[] = [];
  const oversized: Chunk[] = [];
  const source = document.source ?? document.id;
  for (const [index, span] of spans.entries()) {
    const chunkText = text.slice(span.start, span.end);
    const tokens = options.tokenCounter.count(chunkText);
    const original = sourceSpanOf(document.segments, document.encoding, text, span.start, span.end);
    const firstPage = pageAt(document.pages, span.start);
    const lastPage = pageAt(document.pages, span.end - 1);
    const chunk: Chunk = {
      id: chunkId(document.id, index),
      text: chunkText,
      ...(document.title !== undefined ? { title: document.title } : {}),
      metadata: {
        ...(document.metadata ?? {}),
        parentId: document.id,
        source,
        chunkIndex: index,
        start: span.start,
        end: span.end,
        headingPath: headingPathAt(headings, span.start),
        sourceCharStart: original?.charStart ?? null,
        sourceCharEnd: original?.charEnd ?? null,
        sourceByteStart: original?.byteStart ?? null,
        sourceByteEnd: original?.byteEnd ?? null,
        sourceLineStart: original?.lineStart ?? null,
        sourceLineEnd: original?.lineEnd ?? null,
        sourceEntry: original?.entry ?? null,
        pageStart: firstPage?.number ?? null,
        pageEnd: lastPage?.number ?? null,
        pageLabelStart: firstPage?.label ?? null,
        pageLabelEnd: lastPage?.label ?? null,
        tokens,
      },
    };
    chunks.push(chunk);
    if (options.modelMaxTokens !== undefined && tokens > options.modelMaxTokens)
      oversized.push(chunk);
  }
  return { chunks, oversized };
}

/** Greedy packing of consecutive pieces; each new chunk starts with the previous one's tail. */
function pack(pieces: readonly Piece[], maxTokens: number, overlapTokens: number) {
  const spans: Array<{ start: number; end: number }> = [];
  let first = 0;
  while (first < pieces.length) {
    let last = first;
    let tokens = pieces[first]!.tokens;
    while (last + 1 < pieces.length && tokens + pieces[last + 1]!.tokens <= maxTokens) {
      last++;
      tokens += pieces[last]!.tokens;
    }
    spans.push({ start: pieces[first]!.start, end: pieces[last]!.end });
    if (last + 1 >= pieces.length) break;
    // Step back over whole pieces that fit the overlap, but always move forward.
    let next = last + 1;
    let overlap = 0;
    while (next - 1 > first && overlap + pieces[next - 1]!.tokens <= overlapTokens) {
      next--;
      overlap += pieces[next]!.tokens;
    }
    first = next;
  }
  return spans;
}

function headingPathAt(headings: readonly HeadingHint[], offset: number): string[] {
  const path: HeadingHint[] = [];
  for (const heading of headings) {
    if (heading.start > offset) break;
    while (path.length > 0 && path[path.length - 1]!.level >= heading.level) path.pop();
    path.push(heading);
  }
  return path.map((heading) => heading.text);
}

function pageAt(pages: readonly PageHint[] | undefined, offset: number): PageHint | undefined {
  let found: PageHint | undefined;
  for (const page of pages ?? []) {
    if (page.start <= offset) found = page;
    else break;
  }
  return found;
}
