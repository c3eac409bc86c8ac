import type { HeadingHint, PageHint } from "./loaded-document.ts";

/**
 * Where a block came from: `[charStart, charEnd)` in the decoded original file (or in the
 * archive entry `entry`), a span whose extraction is exactly the block's text.
 */
export interface BlockSource {
  readonly charStart: number;
  readonly charEnd: number;
  readonly entry?: string;
}

/** A block of the built text (`[start, end)`) and where it came from. */
export interface BuiltSegment extends BlockSource {
  readonly start: number;
  readonly end: number;
}

const blockSeparator = "\n\n";

/**
 * Joins the blocks a parser found (headings, paragraphs, pages) into one plain text, blocks
 * separated by a blank line, recording where each heading and page starts: the offsets every
 * chunk and citation refers to.
 */
export class TextBuilder {
  readonly #parts: string[] = [];
  readonly #headings: HeadingHint[] = [];
  readonly #pages: PageHint[] = [];
  readonly #segments: BuiltSegment[] = [];
  #length = 0;

  heading(level: number, text: string, source?: BlockSource): void {
    const start = this.#append(text, source);
    if (start !== undefined) this.#headings.push({ level, text: text.trim(), start });
  }

  paragraph(text: string, source?: BlockSource): void {
    this.#append(text, source);
  }

  /** Appends one page; its blocks are its paragraphs (blank-line separated in `text`). */
  page(number: number, text: string): void {
    const start = this.#length + (this.#parts.length > 0 ? blockSeparator.length : 0);
    let appended = false;
    for (const paragraph of text.split(/\n\s*\n/)) {
      if (this.#append(paragraph) !== undefined) appended = true;
    }
    if (appended) this.#pages.push({ number, start, end: this.#length });
  }

  build(): { text: string; headings: HeadingHint[]; pages: PageHint[]; segments: BuiltSegment[] } {
    return {
      text: this.#parts.join(""),
      headings: this.#headings,
      pages: this.#pages,
      segments: this.#segments,
    };
  }

  #append(raw: string, source?: BlockSource): number | undefined {
    const text = raw
      .replace(/[ \t\r\f\v]+/g, " ")
      .replace(/ ?\n ?/g, "\n")
      .trim();
    if (text.length === 0) return undefined;
    if (this.#parts.length > 0) {
      this.#parts.push(blockSeparator);
      this.#length += blockSeparator.length;
    }
    const start = this.#length;
    this.#parts.push(text);
    this.#length += text.length;
    if (source !== undefined) this.#segments.push({ ...source, start, end: this.#length });
    return start;
  }
}
