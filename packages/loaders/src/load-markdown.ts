import type { RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { toString as textOf } from "mdast-util-to-string";
import type { LoadedDocument } from "./loaded-document.ts";
import { TextBuilder } from "./text-builder.ts";

/**
 * Markdown through the mdast parser: each top-level block becomes one paragraph of plain text
 * (markup removed, code kept verbatim), headings are recorded with their level, and the first
 * level-1 heading is the title.
 */
export function parseMarkdown(id: string, source: string, content: string): LoadedDocument {
  const builder = new TextBuilder();
  let title: string | undefined;
  const visit = (node: RootContent): void => {
    if (node.type === "heading") {
      const words = textOf(node);
      if (title === undefined && node.depth === 1) title = words.trim();
      builder.heading(node.depth, words);
    } else if (node.type === "list") {
      for (const item of node.children) builder.paragraph(textOf(item, { includeHtml: false }));
    } else if (node.type === "code") {
      builder.paragraph(node.value);
    } else if (node.type === "blockquote") {
      for (const child of node.children) visit(child);
    } else if (
      node.type !== "html" &&
      node.type !== "definition" &&
      node.type !== "thematicBreak"
    ) {
      builder.paragraph(textOf(node, { includeHtml: false }));
    }
  };
  for (const node of fromMarkdown(content).children) visit(node);
  const { text, headings } = builder.build();
  return {
    kind: "document",
    id,
    source,
    format: "md",
    text,
    ...(title ? { title } : {}),
    headings,
    pages: [],
  };
}
