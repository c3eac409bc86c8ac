import type { Document, Hit } from "@hybrid-rag/core";

/**
 * Where a pipeline finds the page images of its candidates: a collection that stores PDF page
 * images (`HybridCollection` implements it).
 */
export interface PageImageSource {
  /**
   * The stored image-only documents of the pages `document` (a text chunk) comes from, in page
   * order; empty when it has no page or no page image was stored.
   */
  pageImagesOf(document: Document): readonly Document[];
}

/** The source name added page images carry in `Hit.sources`. */
export const pageImageSourceName = "page-image";

/** Page images added to one query's rerank candidates when `maxPageImages` is not set. */
export const defaultMaxPageImages = 8;

/**
 * The candidates followed by the page images of their pages — each image once, in the order of
 * the best-ranked candidate that links to it, at most `max` of them, none already a candidate —
 * so that a page whose text says nothing (a chart) can still be reranked up. An added image
 * carries the rank and score of the candidate that brought it, under the source `page-image`.
 */
export function withPageImages(
  candidates: readonly Hit[],
  source: PageImageSource,
  max: number,
): Hit[] {
  const seen = new Set(candidates.map((hit) => hit.id));
  const added: Hit[] = [];
  for (const hit of candidates) {
    if (added.length >= max) break;
    if (hit.document === undefined || hit.document.text === "") continue;
    for (const image of source.pageImagesOf(hit.document)) {
      if (added.length >= max) break;
      if (seen.has(image.id)) continue;
      seen.add(image.id);
      added.push({
        id: image.id,
        score: hit.score,
        rank: candidates.length + added.length + 1,
        document: image,
        sources: {
          [pageImageSourceName]: { status: "found", rank: hit.rank, score: hit.score },
        },
      });
    }
  }
  return [...candidates, ...added];
}
