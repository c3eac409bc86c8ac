import { stemmer } from "stemmer";
import type { Analyzer } from "./analyzer.ts";
import { englishStopWords } from "./english-stop-words.ts";
import { lowercase } from "./lowercase.ts";
import { standardTokens } from "./standard-tokenizer.ts";

/** Elasticsearch / Lucene `standard`: UAX#29 words, lowercased per code point, no stop words. */
export const standardAnalyzer: Analyzer = {
  name: "standard",
  analyze(text: string): string[] {
    const tokens = standardTokens(text);
    for (let index = 0; index < tokens.length; index++) {
      tokens[index] = lowercase(tokens[index]!);
    }
    return tokens;
  },
};

// Lucene's EnglishPossessiveFilter: a trailing 's / ’s / ＇s (either case of s) is dropped.
const possessive = /['\u2019\uff07][sS]$/u;

/**
 * Elasticsearch / Lucene `english`: standard tokenizer → possessive filter → lowercase →
 * 33 stop words → Porter stemmer (the original algorithm, as Lucene's PorterStemFilter).
 */
export const englishAnalyzer: Analyzer = {
  name: "english",
  analyze(text: string): string[] {
    const terms: string[] = [];
    for (const token of standardTokens(text)) {
      const term = lowercase(token.replace(possessive, ""));
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
  if (term === "eed" || term === "eeds") return "eed";
  return stemmer(term);
}
