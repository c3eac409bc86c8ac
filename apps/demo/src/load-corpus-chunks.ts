import { createChunker } from "@hybrid-rag/chunking";
import type { Document } from "@hybrid-rag/core";
import { loadFolder, type SkippedSource } from "@hybrid-rag/loaders";

/** A document id read again in the same folder: the later one is not indexed. */
export interface FolderDuplicate {
  readonly id: string;
  /** Where the ignored repeat came from (file, or file:line for JSON Lines). */
  readonly source: string;
}

export interface LoadedCorpusChunks {
  /** What the stages index: chunks of the folder's documents. */
  readonly documents: Document[];
  /** Documents before chunking (one per id). */
  readonly parents: number;
  readonly duplicates: readonly FolderDuplicate[];
  readonly skipped: readonly SkippedSource[];
}

/**
 * A folder goes through `@hybrid-rag/loaders` (PDF, HTML, Markdown, text, JSON Lines, BEIR) and
 * the token-aware chunker, so each column shows chunks with their parent, page and section.
 * Skipped files are listed; a repeated document id keeps the first document and is reported
 * (the same policy as `HybridCollection.ingest`), never overwritten silently.
 */
export async function loadCorpusChunks(path: string, maxTokens = 200): Promise<LoadedCorpusChunks> {
  const chunker = createChunker({ maxTokens });
  const documents: Document[] = [];
  const skipped: SkippedSource[] = [];
  const duplicates: FolderDuplicate[] = [];
  const seen = new Set<string>();
  for await (const result of loadFolder(path)) {
    if (result.kind === "skipped") {
      skipped.push(result);
      continue;
    }
    if (seen.has(result.id)) {
      duplicates.push({ id: result.id, source: result.source });
      continue;
    }
    seen.add(result.id);
    documents.push(...chunker.chunk(result).chunks);
  }
  return { documents, parents: seen.size, duplicates, skipped };
}
