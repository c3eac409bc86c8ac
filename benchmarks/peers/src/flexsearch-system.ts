import FlexSearch from "flexsearch";
import type { Corpus } from "./corpus.ts";
import { indexedText } from "./corpus.ts";
import type { PeerSystem } from "./peer-system.ts";

/**
 * FlexSearch's `Index` with its default encoder and `suggest: true` (without it a query matches
 * only documents holding every one of its words, which leaves most natural-language queries
 * without an answer). FlexSearch ranks by its own term-position resolution, not BM25, and
 * returns ids only.
 */
export function flexSearchSystem(): PeerSystem {
  let index = new FlexSearch.Index();
  let corpus: Corpus | undefined;
  return {
    async build(built, onProgress) {
      corpus = built;
      index = new FlexSearch.Index();
      built.documents.forEach((document, row) => {
        index.add(row, indexedText(document));
        if ((row + 1) % 10_000 === 0) onProgress?.(row + 1);
      });
    },
    async search(queryIndex, topK) {
      const rows = index.search(corpus!.queries[queryIndex]!.text, {
        limit: topK,
        suggest: true,
      }) as number[];
      return rows.map((row) => corpus!.documents[row]!.id);
    },
  };
}
