import { alignToSource } from "./align-to-source.ts";
import type { LoadedDocument } from "./loaded-document.ts";
import { rstInlineText, rstParagraphText } from "./rst-inline.ts";
import { type SourceEncoding, sourceSegments } from "./source-segments.ts";
import { TextBuilder } from "./text-builder.ts";

interface Line {
  readonly text: string;
  /** Offset of the line's first character in the file. */
  readonly start: number;
}

/** Directives whose content is text to index (the rest, images, tables of contents and includes, is not). */
const textDirectives = new Set(
  (
    "note warning tip important hint caution danger error attention admonition seealso topic " +
    "sidebar rubric epigraph highlights pull-quote compound container deprecated versionadded " +
    "versionchanged todo"
  ).split(" "),
);
const literalDirectives = new Set(["code", "code-block", "sourcecode", "parsed-literal", "math"]);
const adornment = /^([!-/:-@[-`{-~])\1+\s*$/;
const listMarker = /^(\s*)(?:[-*+•]|\d+[.)]|#[.)]|\(\d+\))\s+/;

/**
 * reStructuredText (.rst), read by its own block rules (no npm parser of it is maintained):
 * section titles (underlined, or over- and underlined: levels in the order their styles first
 * appear), paragraphs, list items, literal blocks (after `::`, and code directives, kept
 * verbatim), admonitions and other text directives' content; comments, targets and directives
 * such as `image` and `toctree` are left out. Inline markup is resolved (`**strong**` → strong,
 * `` `text <url>`_ `` → text). Every block records its span in the decoded file and its lines,
 * and each run of its text written as it is in the file (a chunk inside a block maps to its own
 * characters).
 */
export function parseRst(
  id: string,
  source: string,
  content: string,
  encoding: SourceEncoding,
): LoadedDocument {
  const lines: Line[] = [];
  const pattern = /\r\n|\n|\r/g;
  let start = 0;
  for (let match = pattern.exec(content); match; match = pattern.exec(content)) {
    lines.push({ text: content.slice(start, match.index), start });
    start = match.index + match[0].length;
  }
  lines.push({ text: content.slice(start), start });
  const builder = new TextBuilder();
  const styles: string[] = [];
  let firstBlockHeading: string | undefined;
  let blocks = 0;
  const span = (first: Line, from: number, last: Line) => ({
    charStart: first.start + from,
    charEnd: last.start + last.text.trimEnd().length,
  });
  const heading = (style: string, line: Line) => {
    if (!styles.includes(style)) styles.push(style);
    const level = Math.min(styles.indexOf(style) + 1, 6);
    const from = line.text.length - line.text.trimStart().length;
    const words = rstInlineText(line.text.trim());
    const range = span(line, from, line);
    builder.heading(level, alignToSource(words, content, range.charStart, range.charEnd), range);
    if (blocks++ === 0) firstBlockHeading = words.trim();
  };
  const paragraph = (text: string, first: Line, from: number, last: Line) => {
    // The text placed in the file: markup and escapes between its verbatim runs.
    const range = span(first, from, last);
    builder.paragraph(alignToSource(text, content, range.charStart, range.charEnd), range);
    blocks++;
  };
  const indentOf = (line: Line) => line.text.length - line.text.trimStart().length;
  const blank = (line: Line | undefined) => line !== undefined && line.text.trim() === "";
  /** Lines after `from` that are blank or indented deeper than `indent`: a body or a literal block. */
  const indentedEnd = (from: number, indent: number, until: number) => {
    let end = from;
    while (end < until && (blank(lines[end]) || indentOf(lines[end]!) > indent)) end++;
    while (end > from && blank(lines[end - 1])) end--;
    return end;
  };
  /** Consecutive non-blank lines from `from`, one block; each blank-line-separated block of a literal. */
  const literal = (from: number, end: number) => {
    for (let at = from; at < end; ) {
      if (blank(lines[at])) {
        at++;
        continue;
      }
      let last = at;
      while (last + 1 < end && !blank(lines[last + 1])) last++;
      const first = lines[at]!;
      const to = lines[last]!;
      const range = span(first, indentOf(first), to);
      paragraph(content.slice(range.charStart, range.charEnd), first, indentOf(first), to);
      at = last + 1;
    }
  };
  const parse = (from: number, until: number): void => {
    let i = from;
    while (i < until) {
      const line = lines[i]!;
      const next = lines[i + 1];
      const trimmed = line.text.trim();
      if (trimmed === "") {
        i++;
        continue;
      }
      const indent = indentOf(line);
      if (
        adornment.test(trimmed) &&
        i + 2 < until &&
        !blank(next) &&
        lines[i + 2]!.text.trim() === trimmed
      ) {
        heading(`${trimmed[0]}/over`, next!);
        i += 3;
        continue;
      }
      if (
        indent === 0 &&
        i + 1 < until &&
        next !== undefined &&
        adornment.test(next.text.trim()) &&
        !adornment.test(trimmed) &&
        next.text.trim().length >= Math.min(trimmed.length, 4)
      ) {
        heading(next.text.trim()[0]!, line);
        i += 2;
        continue;
      }
      if (adornment.test(trimmed) && trimmed.length >= 4) {
        i++; // a transition
        continue;
      }
      if (trimmed === ".." || trimmed.startsWith(".. ")) {
        i = explicitMarkup(i, until, indent);
        continue;
      }
      const marker = listMarker.exec(line.text);
      let last = i;
      while (
        last + 1 < until &&
        !blank(lines[last + 1]) &&
        !(marker && listMarker.test(lines[last + 1]!.text) && indentOf(lines[last + 1]!) <= indent)
      ) {
        last++;
      }
      const textFrom = marker ? marker[0].length : indent;
      const range = span(line, textFrom, lines[last]!);
      const raw = content.slice(range.charStart, range.charEnd);
      paragraph(rstParagraphText(raw), line, textFrom, lines[last]!);
      i = last + 1;
      if (raw.trimEnd().endsWith("::")) {
        while (i < until && blank(lines[i])) i++;
        const end = indentedEnd(i, indent, until);
        literal(i, end);
        i = end;
      }
    }
  };
  const explicitMarkup = (i: number, until: number, indent: number): number => {
    const line = lines[i]!;
    const end = indentedEnd(i + 1, indent, until);
    const directive = /^(\s*\.\.\s+)([\w:-]+)::(\s*)(.*)$/.exec(line.text);
    const footnote = /^(\s*\.\.\s+)(\[[^\]]+\]\s+.*)$/.exec(line.text);
    if (footnote) {
      paragraph(rstInlineText(footnote[2]!), line, footnote[1]!.length, line);
      parse(i + 1, end);
    } else if (directive) {
      const name = directive[2]!.toLowerCase();
      let body = i + 1;
      // Directive options (`:class: tip`) come first in the body.
      while (body < end && /^\s*:[\w-]+:/.test(lines[body]!.text)) body++;
      if (textDirectives.has(name) && directive[4]!.trim() !== "") {
        const from = directive[1]!.length + name.length + 2 + directive[3]!.length;
        paragraph(rstInlineText(directive[4]!), line, from, line);
      }
      if (textDirectives.has(name)) parse(body, end);
      else if (literalDirectives.has(name)) literal(body, end);
    }
    // Comments, hyperlink targets, substitution definitions and other directives carry no text.
    return end;
  };
  parse(0, lines.length);
  const { text, headings, segments } = builder.build();
  return {
    kind: "document",
    id,
    source,
    format: "rst",
    text,
    ...(firstBlockHeading ? { title: firstBlockHeading } : {}),
    headings,
    pages: [],
    segments: sourceSegments(segments, content, encoding, true),
  };
}
