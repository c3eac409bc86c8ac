import { asciiWords } from "./ascii-words.ts";
import { maxTokenLength, segmentWords } from "./standard-tokenizer.ts";

/** Finds or adds term numbers, from a string or straight from a range of ASCII text. */
export interface TermNumbering {
  termNumber(term: string): number;
  /** The number of the term text[from, to) lowercased (ASCII only). */
  asciiTermNumber(text: string, from: number, to: number): number;
}

/**
 * Calls `visit` with the term number of each token of `standardAnalyzer.analyze(text)`, in the
 * same order, without making a string per ASCII token (the indexing hot path). The chunking
 * mirrors `standardTokens`: pure-ASCII whitespace-separated chunks by the ASCII scanner, the
 * rest by the Intl.Segmenter path.
 */
export function forEachStandardTerm(
  text: string,
  numbering: TermNumbering,
  visit: (term: number) => void,
): void {
  const emit = (from: number, to: number) => {
    // Lucene splits a token longer than 255 code units into 255-unit pieces.
    for (let start = from; start < to; start += maxTokenLength) {
      visit(numbering.asciiTermNumber(text, start, Math.min(to, start + maxTokenLength)));
    }
  };
  let chunkStart = 0;
  let ascii = true;
  for (let position = 0; position <= text.length; position++) {
    const code = position < text.length ? text.charCodeAt(position) : 32;
    if (code === 32 || (code >= 9 && code <= 13)) {
      if (position > chunkStart) {
        if (ascii) asciiWords(text, chunkStart, position, emit);
        else {
          for (const token of segmentWords(text.slice(chunkStart, position), [], true)) {
            visit(numbering.termNumber(token));
          }
        }
      }
      chunkStart = position + 1;
      ascii = true;
    } else if (code > 127) {
      ascii = false;
    }
  }
}
