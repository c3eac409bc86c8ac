import { decodeHTML } from "entities";
import type { BlockSource, SourcedPiece } from "./text-builder.ts";
import { isWhitespace } from "./tracked-whitespace.ts";

/** Markup that shows no text: comments, doctype/CDATA/processing instructions, script, style and title elements, tags. */
const markup =
  /<!--[\s\S]*?(?:-->|$)|<![^>]*>|<\?[^>]*>|<(script|style|template|noscript|title)\b[^>]*>[\s\S]*?(?:<\/\1\s*>|$)|<\/?[A-Za-z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/gi;
const reference = /&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));?/y;
/**
 * The visible text of an HTML file with, for each character, where it is in the file: what
 * places the blocks a DOM parser and Readability extracted (their text is the file's text with
 * tags removed and references decoded) back in the file. Whitespace is compared collapsed, as
 * HTML renders it.
 */
export class HtmlTextIndex {
  /** Visible text, whitespace runs collapsed to one space. */
  readonly #text: string;
  readonly #rawStart: Int32Array;
  readonly #rawEnd: Int32Array;
  readonly #verbatim: Uint8Array;
  readonly #htmlLength: number;
  #cursor = 0;

  constructor(html: string) {
    this.#htmlLength = html.length;
    // Typed arrays: a 100 MB page costs no per-character objects.
    const codes = new Uint16Array(html.length);
    const starts = new Int32Array(html.length);
    const ends = new Int32Array(html.length);
    const verbatim = new Uint8Array(html.length);
    let length = 0;
    const push = (code: number, start: number, end: number, same: boolean) => {
      const space = isWhitespace(code);
      if (space && (length === 0 || codes[length - 1] === 0x20)) return;
      codes[length] = space ? 0x20 : code;
      starts[length] = start;
      ends[length] = end;
      verbatim[length] = same && (!space || code === 0x20) ? 1 : 0;
      length++;
    };
    const text = (from: number, to: number) => {
      for (let j = from; j < to; ) {
        if (html.charCodeAt(j) === 0x26) {
          reference.lastIndex = j;
          const match = reference.exec(html);
          const decoded = match ? decode(match) : undefined;
          // A reference decodes to fewer characters than it is written with: the arrays fit.
          if (match && decoded !== undefined && j + match[0].length <= to) {
            for (let k = 0; k < decoded.length; k++) {
              push(decoded.charCodeAt(k), j, j + match[0].length, false);
            }
            j += match[0].length;
            continue;
          }
        }
        push(html.charCodeAt(j), j, j + 1, true);
        j++;
      }
    };
    let from = 0;
    for (const match of html.matchAll(markup)) {
      text(from, match.index);
      from = match.index + match[0].length;
      // A line break shows as whitespace.
      if (/^<br\b/i.test(match[0])) push(0x0a, match.index, from, false);
    }
    text(from, html.length);
    const parts: string[] = [];
    for (let at = 0; at < length; at += 8192) {
      parts.push(String.fromCharCode(...codes.subarray(at, Math.min(length, at + 8192))));
    }
    this.#text = parts.join("");
    this.#rawStart = starts.subarray(0, length);
    this.#rawEnd = ends.subarray(0, length);
    this.#verbatim = verbatim.subarray(0, length);
  }

  /** The file's visible text, whitespace collapsed (tags, comments, scripts and styles removed, references decoded). */
  get visibleText(): string {
    return this.#text;
  }

  /**
   * Where a block's text (as the DOM gave it) is in the file: searched after the previous block
   * placed (pages keep document order), else from the top. Undefined when it is not found.
   */
  place(value: string): { pieces: SourcedPiece[]; span: BlockSource } | undefined {
    // The block with its whitespace collapsed, and for each kept character its index in `value`.
    const keyChars: string[] = [];
    const keyFrom: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const space = /\s/.test(value[i]!);
      if (space && (keyChars.length === 0 || keyChars[keyChars.length - 1] === " ")) continue;
      keyChars.push(space ? " " : value[i]!);
      keyFrom.push(i);
    }
    while (keyChars[keyChars.length - 1] === " ") {
      keyChars.pop();
      keyFrom.pop();
    }
    const key = keyChars.join("");
    if (key.length === 0) return undefined;
    let at = this.#text.indexOf(key, this.#cursor);
    if (at < 0) at = this.#text.indexOf(key);
    if (at < 0) return undefined;
    this.#cursor = at + key.length;
    const pieces: SourcedPiece[] = [];
    let next = 0;
    const gap = (to: number, after: number) => {
      if (to > next) {
        pieces.push({
          text: value.slice(next, to),
          charStart: after,
          charEnd: after,
          verbatim: false,
        });
      }
    };
    for (let k = 0; k < key.length; k++) {
      const index = keyFrom[k]!;
      const visible = at + k;
      gap(index, k === 0 ? this.#rawStart[visible]! : this.#rawEnd[visible - 1]!);
      const char = value[index]!;
      const rawStart = this.#rawStart[visible]!;
      const previous = pieces[pieces.length - 1];
      if (this.#verbatim[visible] === 1 && char === this.#text[visible]) {
        if (
          previous &&
          previous.verbatim !== false &&
          previous.charStart + previous.text.length === rawStart
        ) {
          pieces[pieces.length - 1] = { text: previous.text + char, charStart: previous.charStart };
        } else pieces.push({ text: char, charStart: rawStart });
      } else {
        pieces.push({
          text: char,
          charStart: rawStart,
          charEnd: this.#rawEnd[visible]!,
          verbatim: false,
        });
      }
      next = index + 1;
    }
    gap(value.length, this.#rawEnd[at + key.length - 1]!);
    // The block's span reaches over the markup around it (its own start and end tags, a
    // permalink after its text) up to the visible text of its neighbours: extracting the slice
    // gives the block, a heading as a heading.
    let before = at - 1;
    while (before >= 0 && this.#text.charCodeAt(before) === 0x20) before--;
    let after = at + key.length;
    while (after < this.#text.length && this.#text.charCodeAt(after) === 0x20) after++;
    return {
      pieces,
      span: {
        charStart: before >= 0 ? this.#rawEnd[before]! : 0,
        charEnd: after < this.#text.length ? this.#rawStart[after]! : this.#htmlLength,
      },
    };
  }
}

/** A character reference's text (the full HTML table, via `entities`), or undefined if it names none. */
function decode(match: RegExpExecArray): string | undefined {
  const decoded = decodeHTML(match[0]);
  return decoded === match[0] ? undefined : decoded;
}
