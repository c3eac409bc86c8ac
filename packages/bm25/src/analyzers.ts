import { stemmer } from "stemmer";
import type { Analyzer } from "./analyzer.ts";
import { englishStopWords } from "./english-stop-words.ts";
import { standardTokens } from "./standard-tokenizer.ts";

/** Elasticsearch / Lucene `standard`: UAX#29 words, lowercased per code point, no stop words. */
export const standardAnalyzer: Analyzer = {
  name: "standard",
  analyze(text: string): string[] {
    return standardTokens(text, true);
  },
};

/** Lucene's EnglishPossessiveFilter: a trailing 's / ’s / ＇s is dropped (tokens are lowercased). */
function isPossessive(token: string): boolean {
  const length = token.length;
  if (length < 2 || token.charCodeAt(length - 1) !== 115) return false;
  const apostrophe = token.charCodeAt(length - 2);
  return apostrophe === 0x27 || apostrophe === 0x2019 || apostrophe === 0xff07;
}

/**
 * Elasticsearch / Lucene `english`: standard tokenizer → possessive filter → lowercase →
 * 33 stop words → Porter stemmer (the original algorithm, as Lucene's PorterStemFilter).
 */
export const englishAnalyzer: Analyzer = {
  name: "english",
  analyze(text: string): string[] {
    const terms: string[] = [];
    // Lowercasing before the possessive filter is equivalent: it drops 's and 'S alike.
    for (const token of standardTokens(text, true)) {
      const term = isPossessive(token) ? token.slice(0, -2) : token;
      if (!englishStopWords.has(term)) terms.push(porterStem(term));
    }
    return terms;
  },
};

/**
 * The npm `stemmer` (Porter 1980) agrees with Lucene's PorterStemmer on the whole SciFact
 * vocabulary except one case: in the original algorithm a word ending in "eed" never reaches
 * the "ed" rule, so "eed" (and "eeds") stay "eed", where `stemmer` strips "ed".
 */
export function porterStem(term: string): string {
  let stem = stemCache.get(term);
  if (stem === undefined) {
    stem = term === "eed" || term === "eeds" ? "eed" : stemmer(term);
    // Vocabularies follow Zipf's law: a bounded cache answers most lookups.
    if (stemCache.size >= stemCacheLimit) stemCache.clear();
    stemCache.set(term, stem);
  }
  return stem;
}

const stemCacheLimit = 100_000;
const stemCache = new Map<string, string>();
