import type { HeadingHint, PageHint } from "./loaded-document.ts";

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
  #length = 0;

  heading(level: number, text: string): void {
    const start = this.#append(text);
    if (start !== undefined) this.#headings.push({ level, text: text.trim(), start });
  }

  paragraph(text: string): void {
    this.#append(text);
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

  build(): { text: string; headings: HeadingHint[]; pages: PageHint[] } {
    return { text: this.#parts.join(""), headings: this.#headings, pages: this.#pages };
  }

  #append(raw: string): number | undefined {
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
    return start;
  }
}
