import type { Analyzer } from "@hybrid-rag/bm25";

/** A `[start, end)` character range of a text to mark. */
export type MarkedRange = readonly [start: number, end: number];

const words = new Intl.Segmenter("en", { granularity: "word" });

/**
 * Marks what BM25 matched, as the collection's analyzer sees it: the text is cut into whole words
 * (UAX #29, as the standard tokenizer does), each word is analyzed, and it is marked when one of
 * its terms is a term of the analyzed query. So stemmed forms match ("panels" for "panel" under
 * the english analyzer), words the analyzer drops (its stop words) are never marked, and a query
 * word is never marked inside another word ("sudo" does not mark "su" or "do" in "pseudo").
 */
export function queryHighlighter(
  analyzer: Analyzer,
  query: string,
): (text: string) => MarkedRange[] {
  const queryTerms = new Set(analyzer.analyze(query));
  const matches = new Map<string, boolean>();
  return (text) => {
    if (queryTerms.size === 0) return [];
    const ranges: MarkedRange[] = [];
    for (const { segment, index, isWordLike } of words.segment(text)) {
      if (!isWordLike) continue;
      let matched = matches.get(segment);
      if (matched === undefined) {
        matched = analyzer.analyze(segment).some((term) => queryTerms.has(term));
        matches.set(segment, matched);
      }
      if (matched) ranges.push([index, index + segment.length]);
    }
    return ranges;
  };
}
