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
 */
import { icuOnlyWord, loneRegionalIndicator, luceneOnlySymbol } from "./lucene-symbol-tables.ts";

const maxTokenLength = 255;

const segmenter = new Intl.Segmenter("en", { granularity: "word" });

const hanOrHiragana = /[\p{Script=Han}\p{Script=Hiragana}]/u;
const hanOrHiraganaChar = /^[\p{Script=Han}\p{Script=Hiragana}]/u;
const southEastAsian =
  /^[\p{Script=Thai}\p{Script=Lao}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Tai_Tham}\p{Script=Tai_Viet}\p{Script=New_Tai_Lue}\p{Script=Tai_Le}]/u;
const pictographic = /\p{Extended_Pictographic}|\p{Emoji_Presentation}|\p{Regional_Indicator}/u;
const wordCharacter = /[\p{L}\p{N}]/u;

export function standardTokens(text: string): string[] {
  const tokens: string[] = [];
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
      if (hanOrHiragana.test(segment)) splitIdeographs(tokens, segment);
      else pushLimited(tokens, segment);
    } else if (pictographic.test(segment) || luceneOnlySymbol.test(segment)) {
      // ICU glues a lone emoji modifier (skin tone) to the space before it.
      tokens.push(segment.trimStart());
    }
  }
  if (southEastAsianRun !== "") pushLimited(tokens, southEastAsianRun);
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
