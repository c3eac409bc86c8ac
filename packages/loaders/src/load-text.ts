import type { LoadedDocument } from "./loaded-document.ts";
import { resolveSegments } from "./resolve-segments.ts";
import type { SourceLocator } from "./source-locator.ts";
import { TextBuilder } from "./text-builder.ts";
import {
  adornmentOf,
  isManSectionTitle,
  isUnderlinedTitle,
  splitLines,
  type TextLine,
} from "./text-structure.ts";

/**
 * Plain text: paragraphs are blank-line separated. Titles the text writes itself are headings:
 * AsciiDoc / reStructuredText titles underlined (and optionally overlined) with `====`, `----`,
 * `~~~~`… (levels in the order the underline characters first appear), and man page sections
 * (`NAME`, `SYNOPSIS`: a capitalised line at column 0 followed by indented text, level 1 unless
 * underlined titles come first). Every block records its span in the file.
 */
export function parsePlainText(
  id: string,
  source: string,
  original: SourceLocator,
): LoadedDocument {
  const content = original.text;
  const builder = new TextBuilder();
  const lines = splitLines(content);
  const levels: string[] = [];
  const blank = (line: TextLine | undefined) => line !== undefined && line.text.trim() === "";
  let paragraph: TextLine[] = [];
  const flush = () => {
    if (paragraph.length === 0) return;
    const first = paragraph[0]!;
    const last = paragraph[paragraph.length - 1]!;
    builder.paragraph([{ text: content.slice(first.start, last.end), charStart: first.start }]);
    paragraph = [];
  };
  const heading = (level: number, title: TextLine, from: number, to: number) => {
    flush();
    builder.heading(level, [{ text: title.text, charStart: title.start }], {
      charStart: from,
      charEnd: to,
    });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (blank(line)) {
      flush();
      continue;
    }
    const next = lines[i + 1];
    const underline = next && adornmentOf(next.text);
    if (underline && isUnderlinedTitle(line.text, next.text)) {
      // An overline of the same character above the title belongs to it.
      const over = paragraph.length === 1 && adornmentOf(paragraph[0]!.text) === underline;
      const from = over ? paragraph[0]!.start : line.start;
      if (over) paragraph = [];
      const key = `${over ? "over" : ""}${underline}`;
      if (!levels.includes(key)) levels.push(key);
      heading(Math.min(6, levels.indexOf(key) + 1), line, from, next.end);
      i++;
      continue;
    }
    const following = next && !blank(next) ? next : lines[i + 2];
    if (
      paragraph.length === 0 &&
      isManSectionTitle(line.text) &&
      following !== undefined &&
      /^\s+\S/.test(following.text)
    ) {
      if (!levels.includes("man")) levels.push("man");
      heading(Math.min(6, levels.indexOf("man") + 1), line, line.start, line.end);
      continue;
    }
    paragraph.push(line);
  }
  flush();
  const { text, headings, segments } = builder.build();
  return {
    kind: "document",
    id,
    source,
    format: "txt",
    text,
    headings,
    pages: [],
    segments: resolveSegments(segments, original),
    encoding: original.encoding,
  };
}
