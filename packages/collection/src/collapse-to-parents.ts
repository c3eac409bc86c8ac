import type { ChunkMetadata } from "@hybrid-rag/chunking";
import type { Hit } from "@hybrid-rag/core";

/** A parent document among the search results: its best chunk and every chunk that matched. */
export interface ParentHit {
  readonly parentId: string;
  /** 1-based, by the parent's best chunk. */
  readonly rank: number;
  /** The best chunk's score. */
  readonly score: number;
  readonly source: string;
  readonly title: string | undefined;
  readonly bestChunk: Hit;
  /** All matching chunks of this parent, in result order (the best first). */
  readonly chunks: Hit[];
  /** Its near-duplicates (the same text in other files), not shown (`collection.search`). */
  readonly alsoIn?: ReadonlyArray<{ readonly parentId: string; readonly source: string }>;
}

/** The chunk metadata of a hit (undefined for a hit without a chunk document). */
export function chunkMetadataOf(hit: Hit): ChunkMetadata | undefined {
  const metadata = hit.document?.metadata as Partial<ChunkMetadata> | undefined;
  return typeof metadata?.parentId === "string" ? (metadata as ChunkMetadata) : undefined;
}

/**
 * Groups chunk hits by parent document, keeping the order of each parent's best chunk. A hit
 * without chunk metadata is its own parent (so nothing is dropped).
 */
export function collapseToParents(hits: readonly Hit[]): ParentHit[] {
  const groups = new Map<string, { best: Hit; chunks: Hit[] }>();
  for (const hit of hits) {
    const parentId = chunkMetadataOf(hit)?.parentId ?? hit.id;
    const group = groups.get(parentId);
    if (group) group.chunks.push(hit);
    else groups.set(parentId, { best: hit, chunks: [hit] });
  }
  return [...groups.entries()].map(([parentId, { best, chunks }], index) => ({
    parentId,
    rank: index + 1,
    score: best.score,
    source: chunkMetadataOf(best)?.source ?? parentId,
    title: best.document?.title,
    bestChunk: best,
    chunks,
  }));
}
