import { stat } from "node:fs/promises";
import { createChunker } from "@hybrid-rag/chunking";
import type { Document } from "@hybrid-rag/core";
import { loadFolder, type SkippedSource } from "@hybrid-rag/loaders";
import { loadDocuments } from "./load-documents.ts";

export interface LoadedCorpus {
  /** What the stages index: chunks of the folder's documents (or a .jsonl file's records). */
  readonly documents: Document[];
  /** Documents before chunking. */
  readonly parents: number;
  readonly skipped: readonly SkippedSource[];
}

/**
 * A folder goes through `@hybrid-rag/loaders` (PDF, HTML, Markdown, text, JSON Lines, BEIR) and
 * the token-aware chunker, so each column shows chunks with their parent, page and section; a
 * single .jsonl file is read as before, one document per line. Skipped files are listed.
 */
export async function loadCorpusChunks(path: string, maxTokens = 200): Promise<LoadedCorpus> {
  const isFile = await stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
  if (isFile) {
    const documents = await loadDocuments(path);
    return { documents, parents: documents.length, skipped: [] };
  }
  const chunker = createChunker({ maxTokens });
  const documents: Document[] = [];
  const skipped: SkippedSource[] = [];
  let parents = 0;
  for await (const result of loadFolder(path)) {
    if (result.kind === "skipped") {
      skipped.push(result);
      continue;
    }
    parents++;
    documents.push(...chunker.chunk(result).chunks);
  }
  return { documents, parents, skipped };
}
