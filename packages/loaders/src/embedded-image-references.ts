import { Parser } from "htmlparser2";
import type { Root, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";

/** An image an HTML or Markdown file shows: its `src` as written, its alt text and where it is in the file. */
export interface EmbeddedImageReference {
  readonly src: string;
  readonly alt: string;
  /** Character offset of the image's tag or markup in the decoded file. */
  readonly charOffset: number;
  /** 1-based line of it. */
  readonly line: number;
}

/** The images a Markdown file shows (`![alt](src)`, reference images and `<img>` in its HTML), in order. */
export function markdownImageReferences(content: string): EmbeddedImageReference[] {
  const tree = fromMarkdown(content);
  const definitions = new Map<string, string>();
  const found: EmbeddedImageReference[] = [];
  const walk = (node: Root | RootContent, collect: boolean): void => {
    if (node.type === "definition" && !collect) definitions.set(node.identifier, node.url);
    if (collect && node.type === "image") push(node.url, node.alt ?? "", node.position?.start);
    if (collect && node.type === "imageReference") {
      const url = definitions.get(node.identifier);
      if (url !== undefined) push(url, node.alt ?? "", node.position?.start);
    }
    if (collect && node.type === "html" && node.position) {
      for (const image of htmlImageReferences(node.value)) {
        found.push({
          ...image,
          charOffset: image.charOffset + node.position.start.offset!,
          line: image.line + node.position.start.line - 1,
        });
      }
    }
    if ("children" in node) for (const child of node.children) walk(child, collect);
  };
  const push = (src: string, alt: string, at: { offset?: number; line: number } | undefined) =>
    found.push({ src, alt, charOffset: at?.offset ?? 0, line: at?.line ?? 1 });
  walk(tree, false);
  walk(tree, true);
  return found;
}

/** The `<img src>` of an HTML file, in order (the whole file, not only Readability's article: a figure is content). */
export function htmlImageReferences(content: string): EmbeddedImageReference[] {
  const found: EmbeddedImageReference[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== "img" || !attributes.src) return;
        const charOffset = parser.startIndex;
        const line = content.slice(0, charOffset).split("\n").length;
        found.push({ src: attributes.src, alt: attributes.alt ?? "", charOffset, line });
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(content);
  return found;
}
