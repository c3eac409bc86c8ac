import type { SourcedPiece } from "./text-builder.ts";

/** A character reference as HTML and CommonMark write them (`&amp;`, `&#169;`, `&#xA9;`). */
const characterReference = /&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/y;

/**
 * Where the characters of `value` (a parser's decoded text) are in `source[start, end)` (the
 * markup it was parsed from): matched in order, each character either found unchanged (a
 * verbatim piece), or decoded from a character reference or a backslash escape (a piece that
 * points at the reference). Source characters that give no text (markup, indentation, the
 * backslash of an escape) are skipped. Characters that cannot be matched before `end` are one
 * last piece spanning what is left, so every character of `value` has a place.
 */
export function alignToSource(
  value: string,
  source: string,
  start: number,
  end: number,
): SourcedPiece[] {
  const pieces: SourcedPiece[] = [];
  let runStart = -1;
  let runFrom = 0;
  const closeRun = (upTo: number) => {
    if (runStart >= 0) pieces.push({ text: value.slice(runFrom, upTo), charStart: runStart });
    runStart = -1;
  };
  let i = 0;
  let j = start;
  while (i < value.length && j < end) {
    if (value[i] === source[j]) {
      if (runStart < 0 || runStart + (i - runFrom) !== j) {
        closeRun(i);
        runStart = j;
        runFrom = i;
      }
      i++;
      j++;
      continue;
    }
    if (source[j] === "&") {
      characterReference.lastIndex = j;
      const reference = characterReference.exec(source);
      if (reference && j + reference[0].length <= end) {
        closeRun(i);
        const width = (value.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
        pieces.push({
          text: value.slice(i, i + width),
          charStart: j,
          charEnd: j + reference[0].length,
          verbatim: false,
        });
        i += width;
        j += reference[0].length;
        continue;
      }
    }
    if (/\s/.test(value[i]!) && !/\s/.test(source[j]!)) {
      // A line break or space the parser wrote where the source has none (a hard break).
      closeRun(i);
      pieces.push({ text: value[i]!, charStart: j, charEnd: j, verbatim: false });
      i++;
      continue;
    }
    j++;
  }
  closeRun(i);
  if (i < value.length) {
    pieces.push({
      text: value.slice(i),
      charStart: Math.min(j, end),
      charEnd: end,
      verbatim: false,
    });
  }
  return pieces;
}
