import type { Nodes, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { toString as textOf } from "mdast-util-to-string";
import { alignToSource } from "./align-to-source.ts";
import type { LoadedDocument } from "./loaded-document.ts";
import { withoutPermalinkMarks } from "./permalink-marks.ts";
import { resolveSegments } from "./resolve-segments.ts";
import type { SourceLocator } from "./source-locator.ts";
import { type BlockSource, type SourcedPiece, TextBuilder } from "./text-builder.ts";

/**
 * Markdown through the mdast parser: each top-level block becomes one paragraph of plain text
 * (markup removed, code kept verbatim; each block of a list item is its own paragraph), headings are recorded with their level (permalink marks
 * dropped), and the first level-1 heading is the title. Every block records its span in the
 * file, and each run of its text that is the file's own characters.
 */
export function parseMarkdown(id: string, source: string, original: SourceLocator): LoadedDocument {
  const content = original.text;
  const builder = new TextBuilder();
  let title: string | undefined;
  const visit = (node: RootContent): void => {
    const span = spanOf(node);
    if (node.type === "heading") {
      if (title === undefined && node.depth === 1) title = withoutPermalinkMarks(textOf(node));
      builder.heading(node.depth, piecesOf(node, content, true), span);
    } else if (node.type === "list") {
      // Each block of an item on its own: joining an item's paragraphs (and nested lists) into
      // one string glued the last word of one to the first of the next.
      for (const item of node.children) {
        for (const child of item.children) visit(child);
      }
    } else if (node.type === "code") {
      builder.paragraph(piecesOf(node, content, false), span);
    } else if (node.type === "blockquote") {
      for (const child of node.children) visit(child);
    } else if (
      node.type !== "html" &&
      node.type !== "definition" &&
      node.type !== "thematicBreak"
    ) {
      builder.paragraph(piecesOf(node, content, false), span);
    }
  };
  for (const node of fromMarkdown(content).children) visit(node);
  const { text, headings, segments } = builder.build();
  return {
    kind: "document",
    id,
    source,
    format: "md",
    text,
    ...(title ? { title } : {}),
    headings,
    pages: [],
    segments: resolveSegments(segments, original),
    encoding: original.encoding,
  };
}

function spanOf(node: Nodes): BlockSource | undefined {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? undefined : { charStart: start, charEnd: end };
}

/**
 * The text `mdast-util-to-string` gives a node (image alt text included, raw HTML only when
 * `includeHtml`), as pieces placed in the source.
 */
function piecesOf(node: Nodes, content: string, includeHtml: boolean): SourcedPiece[] {
  const pieces: SourcedPiece[] = [];
  const walk = (current: Nodes): void => {
    const span = spanOf(current);
    if ("value" in current) {
      if (current.type === "html" && !includeHtml) return;
      if (current.value.length === 0) return;
      if (!span) {
        pieces.push({ text: current.value, charStart: 0, charEnd: 0, verbatim: false });
        return;
      }
      let { charStart, charEnd } = span;
      if (current.type === "code")
        ({ charStart, charEnd } = insideFences(content, charStart, charEnd));
      pieces.push(...alignToSource(current.value, content, charStart, charEnd));
      return;
    }
    if ("alt" in current && current.alt) {
      pieces.push(...alignToSource(current.alt, content, span?.charStart ?? 0, span?.charEnd ?? 0));
      return;
    }
    if ("children" in current) for (const child of current.children) walk(child as Nodes);
  };
  walk(node);
  return pieces;
}

/** A fenced code block's content lines: the opening fence line (and its info string) and the closing fence left out. */
function insideFences(
  content: string,
  start: number,
  end: number,
): { charStart: number; charEnd: number } {
  const block = content.slice(start, end);
  const fence = /^[ \t]*(`{3,}|~{3,})/.exec(block);
  if (!fence) return { charStart: start, charEnd: end };
  const firstBreak = block.search(/\r?\n|\r/);
  if (firstBreak < 0) return { charStart: end, charEnd: end };
  const lastLine = block.slice(block.lastIndexOf("\n") + 1);
  const closed = lastLine.trim().startsWith(fence[1]![0]!.repeat(3));
  return {
    charStart: start + firstBreak + 1,
    charEnd: closed ? start + block.lastIndexOf("\n") : end,
  };
}
