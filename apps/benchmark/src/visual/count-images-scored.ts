import type { Reranker } from "@hybrid-rag/core";

/** How many candidates with an image a reranker was given, over a configuration's queries. */
export interface ImagesScored {
  images: number;
  candidates: number;
}

/**
 * The reranker, counting the candidates it is given that carry an image, so a row that
 * reranks page images reports how many reached the model (0 would mean the image path did
 * not run, whatever the metrics say).
 */
export function countImagesScored(reranker: Reranker, counts: ImagesScored): Reranker {
  return {
    name: reranker.name,
    ...(reranker.accepts ? { accepts: reranker.accepts } : {}),
    rerank(query, candidates, options) {
      counts.candidates += candidates.length;
      counts.images += candidates.filter((hit) => hit.document?.image !== undefined).length;
      return reranker.rerank(query, candidates, options);
    },
  };
}
