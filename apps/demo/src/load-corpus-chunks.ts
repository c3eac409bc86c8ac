import { type Chunk, createChunker } from "@hybrid-rag/chunking";
import type { LoadResult, SkippedSource } from "@hybrid-rag/loaders";

export interface LoadedCorpusChunks {
  /** What the stages index: chunks of the corpus's documents. */
  readonly documents: Chunk[];
  /** Documents before chunking (one per id). */
  readonly parents: number;
  /** Everything the loaders skipped, repeated ids (`duplicate-id`, first wins) included. */
  readonly skipped: readonly SkippedSource[];
}

/**
 * With one stage off, the loaders' documents go through the token-aware chunker here (with both
 * on, `HybridCollection` does it), so each column shows chunks with their parent, page and section.
 */
export async function loadCorpusChunks(
  results: AsyncIterable<LoadResult>,
  maxTokens = 200,
): Promise<LoadedCorpusChunks> {
  const chunker = createChunker({ maxTokens });
  const documents: Chunk[] = [];
  const skipped: SkippedSource[] = [];
  let parents = 0;
  for await (const result of results) {
    if (result.kind === "skipped") {
      skipped.push(result);
      continue;
    }
    parents++;
    documents.push(...chunker.chunk(result).chunks);
  }
  return { documents, parents, skipped };
}
