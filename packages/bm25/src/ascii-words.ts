/**
 * UAX#29 word boundaries for pure-ASCII text, written out so the common case avoids
 * `Intl.Segmenter` (which dominates indexing time). Word characters are letters, digits and
 * "_" (ExtendNumLet); a single mid character joins two word characters when UAX#29 says so:
 * "." and "'" between two letters or two digits (MidNumLet, Single_Quote), ":" between two
 * letters (MidLetter), "," and ";" between two digits (MidNum). A word that has no letter or
 * digit (only "_") is not a token. The differential test checks this against the Intl path.
 */
const letter = 1;
const digit = 2;
const underscore = 3;

const classes = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) classes[code] = letter;
  else if (code >= 48 && code <= 57) classes[code] = digit;
  else if (code === 95) classes[code] = underscore;
}

function joins(mid: number, before: number, after: number): boolean {
  if (before !== after || before === underscore || before === 0) return false;
  if (mid === 46 || mid === 39) return true; // . '
  if (mid === 58) return before === letter; // :
  if (mid === 44 || mid === 59) return before === digit; // , ;
  return false;
}

/** Calls `emit(start, end)` for each word of text[start, end), which must be ASCII. */
export function asciiWords(
  text: string,
  start: number,
  end: number,
  emit: (from: number, to: number) => void,
): void {
  let position = start;
  while (position < end) {
    let kind = classes[text.charCodeAt(position)]!;
    if (kind === 0) {
      position++;
      continue;
    }
    const wordStart = position;
    let hasLetterOrDigit = kind !== underscore;
    position++;
    for (;;) {
      if (position >= end) break;
      const next = classes[text.charCodeAt(position)]!;
      if (next !== 0) {
        if (next !== underscore) hasLetterOrDigit = true;
        kind = next;
        position++;
        continue;
      }
      if (position + 1 < end) {
        const after = classes[text.charCodeAt(position + 1)]!;
        if (joins(text.charCodeAt(position), kind, after)) {
          position += 2;
          continue;
        }
      }
      break;
    }
    if (hasLetterOrDigit) emit(wordStart, position);
  }
}
