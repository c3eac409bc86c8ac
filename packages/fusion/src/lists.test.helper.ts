import type { Hit } from "@hybrid-rag/core";
import { rankedList } from "@hybrid-rag/core/testing";

/** The worked example of the package README: a BM25-like and a cosine-like list. */
export const sparseExample = rankedList("sparse", [
  ["a", 12.5],
  ["b", 9.1],
  ["c", 3.3],
]);

export const denseExample = rankedList("dense", [
  ["c", 0.91],
  ["d", 0.8],
  ["a", 0.42],
]);

export function scoresById(hits: readonly Hit[]): Record<string, number> {
  return Object.fromEntries(hits.map((hit) => [hit.id, hit.score]));
}
