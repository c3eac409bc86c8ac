import type { HeadingHint, PageHint } from "./loaded-document.ts";
import { stripPermalinkMarks } from "./permalink-marks.ts";
import { normalizeTracked, type TrackedText } from "./tracked-whitespace.ts";

/**
 * Where a block came from: `[charStart, charEnd)` in the decoded original file (or in the
 * archive entry `entry`, or in the text of PDF page `page`), a span whose extraction is exactly
 * the block's text.
 */
export interface BlockSource {
  readonly charStart: number;
  readonly charEnd: number;
  readonly entry?: string;
  readonly page?: number;
}

/**
 * A piece of a block's text and where it sits in the original. `verbatim` (the default) promises
 * that `text` is the original's characters at `[charStart, charStart + text.length)` unchanged;
 * a piece that is not (a decoded entity, an unescaped `\*`) gives the span it was decoded from.
 */
export type SourcedPiece =
  | { readonly text: string; readonly charStart: number; readonly verbatim?: true }
  | {
      readonly text: string;
      readonly charStart: number;
      readonly charEnd: number;
      readonly verbatim: false;
    };

/** A block's text: a plain string, or pieces that say where each part is in the original. */
export type BlockText = string | readonly SourcedPiece[];

/** A run of the built text copied unchanged from the original (see `VerbatimRun`, less bytes and lines). */
export interface BuiltRun {
  readonly start: number;
  readonly length: number;
  readonly charStart: number;
}

/** A block of the built text (`[start, end)`) and where it came from. */
export interface BuiltSegment extends BlockSource {
  readonly start: number;
  readonly end: number;
  readonly verbatim?: readonly BuiltRun[];
}

const blockSeparator = "\n\n";

/**
 * Joins the blocks a parser found (headings, paragraphs, pages) into one plain text, blocks
 * separated by a blank line, recording where each heading and page starts (the offsets every
 * chunk and citation refers to) and, for blocks given with their place in the original, where
 * each block and each unchanged run of it is there. Whitespace is normalised the same way for
 * every format: runs of spaces and tabs become one space, spaces around a line break and at the
 * ends of a block are dropped.
 */
export class TextBuilder {
  readonly #parts: string[] = [];
  readonly #headings: HeadingHint[] = [];
  readonly #pages: PageHint[] = [];
  readonly #segments: BuiltSegment[] = [];
  #length = 0;

  /** A heading; permalink marks Sphinx, MkDocs and others append (`¶`, `#`, `🔗`) are dropped. */
  heading(level: number, text: BlockText, source?: BlockSource): void {
    const start = this.#append(text, source, true);
    if (start !== undefined) {
      this.#headings.push({ level, text: this.#parts[this.#parts.length - 1]!, start });
    }
  }

  paragraph(text: BlockText, source?: BlockSource): void {
    this.#append(text, source, false);
  }

  /**
   * Appends one PDF page; its blocks are its paragraphs (blank-line separated in `text`), each
   * recorded as a verbatim span of the page text. `label` is the page's printed label, if any.
   */
  page(number: number, text: string, label?: string): void {
    const start = this.#length + (this.#parts.length > 0 ? blockSeparator.length : 0);
    let appended = false;
    let from = 0;
    const paragraphs = /\n\s*\n/g;
    for (;;) {
      const match = paragraphs.exec(text);
      const to = match ? match.index : text.length;
      const paragraph = [{ text: text.slice(from, to), charStart: from }];
      if (
        this.#append(paragraph, { charStart: from, charEnd: to, page: number }, false, true) !==
        undefined
      ) {
        appended = true;
      }
      if (!match) break;
      from = match.index + match[0].length;
    }
    if (appended) {
      this.#pages.push({ number, ...(label ? { label } : {}), start, end: this.#length });
    }
  }

  build(): { text: string; headings: HeadingHint[]; pages: PageHint[]; segments: BuiltSegment[] } {
    return {
      text: this.#parts.join(""),
      headings: this.#headings,
      pages: this.#pages,
      segments: this.#segments,
    };
  }

  /**
   * Appends a block; returns where it starts, or undefined when it is blank. `tight`: the block's
   * span is narrowed to its first and last kept characters (a page paragraph, where the span
   * given is only the blank-line split).
   */
  #append(
    block: BlockText,
    source: BlockSource | undefined,
    isHeading: boolean,
    tight = false,
  ): number | undefined {
    const pieces = typeof block === "string" ? undefined : block;
    const joined = pieces ? pieces.map((piece) => piece.text).join("") : (block as string);
    let normalized = normalizeTracked(joined);
    if (isHeading) normalized = stripPermalinkMarks(normalized);
    const { text } = normalized;
    if (text.length === 0) return undefined;
    if (this.#parts.length > 0) {
      this.#parts.push(blockSeparator);
      this.#length += blockSeparator.length;
    }
    const start = this.#length;
    this.#parts.push(text);
    this.#length += text.length;
    if (pieces) {
      const { runs, first, last } = verbatimRuns(pieces, normalized, start);
      const span =
        source && !tight
          ? source
          : {
              ...(source ?? {}),
              charStart: first,
              charEnd: last,
            };
      this.#segments.push({ ...span, start, end: this.#length, verbatim: runs });
    } else if (source !== undefined) {
      this.#segments.push({ ...source, start, end: this.#length });
    }
    return start;
  }
}

/**
 * The runs of a normalised block that are unchanged from the original, and the original span
 * from its first kept character to just after its last one. `normalized.from` is increasing, so
 * one walk over the pieces places every kept character.
 */
function verbatimRuns(
  pieces: readonly SourcedPiece[],
  normalized: TrackedText,
  blockStart: number,
): { runs: BuiltRun[]; first: number; last: number } {
  const { text, from } = normalized;
  const runs: BuiltRun[] = [];
  let run: { start: number; length: number; charStart: number } | undefined;
  let piece = 0;
  let pieceStart = 0;
  let first = 0;
  let last = 0;
  for (let i = 0; i < from.length; i++) {
    const index = from[i]!;
    while (index >= pieceStart + pieces[piece]!.text.length) {
      pieceStart += pieces[piece]!.text.length;
      piece++;
    }
    const current = pieces[piece]!;
    const offset = index - pieceStart;
    const verbatim = current.verbatim !== false;
    // A collapsed run of spaces and tabs becomes " ": unchanged only if it was one space.
    const same = verbatim && current.text.charCodeAt(offset) === text.charCodeAt(i);
    const original = current.charStart + offset;
    if (i === 0) first = verbatim ? original : current.charStart;
    if (i === from.length - 1) {
      last = verbatim ? original + 1 : current.verbatim === false ? current.charEnd : original + 1;
    }
    if (same && run && run.charStart + run.length === original) {
      run.length++;
      continue;
    }
    run = same ? { start: blockStart + i, length: 1, charStart: original } : undefined;
    if (run) runs.push(run);
  }
  return { runs, first, last };
}
