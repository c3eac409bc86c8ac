// htmlparser2 ends a closing tag written with space before its `>` (`</p\n>`, as DocBook's HTML
// does) one character early, and starts the next tag there: a tag's span is corrected to run
// from its `<` to its `>`.

/** Where the tag the parser reports at `start` really starts (its `<`). */
export function tagStart(source: string, start: number): number {
  if (source.charCodeAt(start) === 0x3c /* < */) return start;
  const at = source.indexOf("<", start);
  return at === -1 ? start : at;
}

/** Where the tag the parser reports ending at `end` (inclusive) really ends: one past its `>`. */
export function tagEnd(source: string, end: number): number {
  if (source.charCodeAt(end) === 0x3e /* > */) return end + 1;
  const at = source.indexOf(">", end);
  return at === -1 ? end + 1 : at + 1;
}
