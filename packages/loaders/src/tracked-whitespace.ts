/** A text and, for each of its characters, the index of the character it came from. */
export interface TrackedText {
  readonly text: string;
  readonly from: ArrayLike<number>;
}

/** Spaces, tabs, carriage returns, form and vertical feeds: what collapses to one space. */
function isHorizontal(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0c || code === 0x0b;
}

/** What `String.prototype.trim` and `\s` count as whitespace. */
export function isWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * The loaders' whitespace normalisation, remembering where each kept character came from: runs of
 * spaces, tabs, carriage returns, form and vertical feeds become one space (kept at the run's
 * first character), a space next to a line break is dropped, and the ends are trimmed of all
 * whitespace (as `String.prototype.trim`). Equal to
 * `raw.replace(/[ \t\r\f\v]+/g, " ").replace(/ ?\n ?/g, "\n").trim()`; linear, typed arrays
 * only (a 20-million-character line costs no per-character objects).
 */
export function normalizeTracked(raw: string): TrackedText {
  const codes = new Uint16Array(raw.length);
  const from = new Int32Array(raw.length);
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (isHorizontal(code)) {
      if (i > 0 && isHorizontal(raw.charCodeAt(i - 1))) continue;
      // A space right after a line break is dropped.
      if (length > 0 && codes[length - 1] === 0x0a) continue;
      codes[length] = 0x20;
    } else {
      // A space right before a line break is dropped.
      if (code === 0x0a && length > 0 && codes[length - 1] === 0x20) length--;
      codes[length] = code;
    }
    from[length] = i;
    length++;
  }
  let first = 0;
  let last = length;
  while (first < last && isWhitespace(codes[first]!)) first++;
  while (last > first && isWhitespace(codes[last - 1]!)) last--;
  return { text: stringOf(codes, first, last), from: from.subarray(first, last) };
}

function stringOf(codes: Uint16Array, start: number, end: number): string {
  const parts: string[] = [];
  for (let at = start; at < end; at += 8192) {
    parts.push(String.fromCharCode(...codes.subarray(at, Math.min(end, at + 8192))));
  }
  return parts.join("");
}

/** The characters `[start, end)` of a tracked text, still tracked. */
export function sliceTracked(tracked: TrackedText, start: number, end: number): TrackedText {
  return {
    text: tracked.text.slice(start, end),
    from: Array.prototype.slice.call(tracked.from, start, end) as number[],
  };
}
