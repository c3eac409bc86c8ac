/**
 * Word tokens as Lucene's StandardTokenizer (Elasticsearch `standard`) emits them.
 *
 * `Intl.Segmenter` (ICU) supplies the UAX#29 word boundaries. On top of that, Lucene's grammar
 * differs from ICU in ways that change tokens, reproduced here:
 * - every Han ideograph and every Hiragana character is a token of its own (ICU groups them
 *   into dictionary words);
 * - a run of South-East-Asian script (Thai, Lao, Myanmar, Khmer, …) is one token (ICU splits
 *   it into dictionary words);
 * - emoji and pictographic symbols (© ® ™ ↔ 🙂 …) are tokens (ICU reports them as non-words);
 * - a token longer than 255 UTF-16 code units is split into 255-unit pieces.
 * With `lowercased`, tokens come out lowercased as Lucene's LowerCaseFilter does (ASCII
 * tokens by the fast path, others per code point).
 */
import { asciiWords } from "./ascii-words.ts";
import { lowercase } from "./lowercase.ts";
import { icuOnlyWord, loneRegionalIndicator, luceneOnlySymbol } from "./lucene-symbol-tables.ts";

export const maxTokenLength = 255;

const segmenter = new Intl.Segmenter("en", { granularity: "word" });

const hanOrHiragana = /[\p{Script=Han}\p{Script=Hiragana}]/u;
const hanOrHiraganaChar = /^[\p{Script=Han}\p{Script=Hiragana}]/u;
const southEastAsian =
  /^[\p{Script=Thai}\p{Script=Lao}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Tai_Tham}\p{Script=Tai_Viet}\p{Script=New_Tai_Lue}\p{Script=Tai_Le}]/u;
const pictographic = /\p{Extended_Pictographic}|\p{Emoji_Presentation}|\p{Regional_Indicator}/u;
const wordCharacter = /[\p{L}\p{N}]/u;
const connectorsOnly = /^\p{Pc}+$/u;

export function standardTokens(text: string, lowercased = false): string[] {
  const tokens: string[] = [];
  // Word boundaries never cross ASCII whitespace, so each whitespace-separated chunk is
  // segmented on its own: pure-ASCII chunks by the fast scanner, the rest by Intl.Segmenter.
  const emit = lowercased
    ? (from: number, to: number) => pushLimited(tokens, text.slice(from, to).toLowerCase())
    : (from: number, to: number) => pushLimited(tokens, text.slice(from, to));
  let chunkStart = 0;
  let ascii = true;
  for (let position = 0; position <= text.length; position++) {
    const code = position < text.length ? text.charCodeAt(position) : 32;
    if (code === 32 || (code >= 9 && code <= 13)) {
      if (position > chunkStart) {
        if (ascii) asciiWords(text, chunkStart, position, emit);
        else segmentWords(text.slice(chunkStart, position), tokens, lowercased);
      }
      chunkStart = position + 1;
      ascii = true;
    } else if (code > 127) {
      ascii = false;
    }
  }
  return tokens;
}

/** Tokens of a text by Intl.Segmenter plus Lucene's rules (see the file comment). */
export function segmentWords(text: string, tokens: string[] = [], lowercased = false): string[] {
  const start = tokens.length;
  let southEastAsianRun = "";
  for (const { segment, isWordLike } of segmenter.segment(text)) {
    if (isWordLike && southEastAsian.test(segment)) {
      southEastAsianRun += segment;
      continue;
    }
    if (southEastAsianRun !== "") {
      pushLimited(tokens, southEastAsianRun);
      southEastAsianRun = "";
    }
    if (icuOnlyWord.test(segment) || loneRegionalIndicator.test(segment)) continue;
    if (isWordLike) {
      // ICU calls a run of "_" (ExtendNumLet) a word; Lucene needs a letter or digit.
      if (connectorsOnly.test(segment)) continue;
      if (hanOrHiragana.test(segment)) splitIdeographs(tokens, segment);
      else pushLimited(tokens, segment);
    } else if (pictographic.test(segment) || luceneOnlySymbol.test(segment)) {
      // ICU glues a lone emoji modifier (skin tone) to the space before it.
      tokens.push(segment.trimStart());
    }
  }
  if (southEastAsianRun !== "") pushLimited(tokens, southEastAsianRun);
  if (lowercased) {
    for (let index = start; index < tokens.length; index++)
      tokens[index] = lowercase(tokens[index]!);
  }
  return tokens;
}

/** One token per Han / Hiragana code point (with its combining marks); other runs stay whole. */
function splitIdeographs(tokens: string[], segment: string): void {
  let run = "";
  for (const character of segment) {
    if (hanOrHiraganaChar.test(character)) {
      if (run !== "") pushLimited(tokens, run);
      run = "";
      tokens.push(character);
    } else if (!wordCharacter.test(character) && run === "" && tokens.length > 0) {
      // A combining mark or format character after an ideograph belongs to it.
      tokens[tokens.length - 1] += character;
    } else {
      run += character;
    }
  }
  if (run !== "") pushLimited(tokens, run);
}

function pushLimited(tokens: string[], token: string): void {
  if (token.length <= maxTokenLength) {
    tokens.push(token);
    return;
  }
  for (let start = 0; start < token.length; start += maxTokenLength) {
    tokens.push(token.slice(start, start + maxTokenLength));
  }
}
