import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { HtmlTextIndex } from "./html-text-index.ts";
import type { LoadedDocument } from "./loaded-document.ts";
import { withoutPermalinkMarks } from "./permalink-marks.ts";
import { resolveSegments } from "./resolve-segments.ts";
import type { SourceLocator } from "./source-locator.ts";
import { TextBuilder } from "./text-builder.ts";

const headingLevels: Record<string, number> = { H1: 1, H2: 2, H3: 3, H4: 4, H5: 5, H6: 6 };
const blockTags = new Set([
  "ADDRESS",
  "ARTICLE",
  "ASIDE",
  "BLOCKQUOTE",
  "DD",
  "DIV",
  "DL",
  "DT",
  "FIGCAPTION",
  "FIGURE",
  "FOOTER",
  "HEADER",
  "LI",
  "MAIN",
  "NAV",
  "OL",
  "P",
  "PRE",
  "SECTION",
  "TABLE",
  "TBODY",
  "TD",
  "TH",
  "THEAD",
  "TR",
  "UL",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
]);
const ignoredTags = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG"]);

/**
 * HTML through linkedom (a spec-following parser) and Mozilla Readability (Firefox's reader
 * view) for the main content, so navigation, ads and footers stay out of the index. When
 * Readability finds no article, the whole body is used. Headings h1–h6 are kept as hints
 * (permalink marks dropped). Each block is placed back in the file by its visible text.
 */
export function parseHtml(id: string, source: string, original: SourceLocator): LoadedDocument {
  const content = original.text;
  const html = completeDocument(content);
  const { document } = parseHTML(html);
  const pageTitle = document.title?.trim() || undefined;
  const article = readArticle(html);
  const root = article?.content
    ? parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document.body
    : document.body;
  const builder = new TextBuilder();
  const placing = new PlacingBuilder(builder, content);
  if (root && article?.content) {
    const title = droppedTitleHeading(
      document as unknown as Document,
      root as unknown as Element,
      article.title,
    );
    if (title) placing.heading(title.level, textOf(title.element));
  }
  if (root) collectBlocks(root as unknown as Element, placing);
  const { text, headings, segments } = builder.build();
  const title = article?.title?.trim() || pageTitle || headings[0]?.text;
  return {
    kind: "document",
    id,
    source,
    format: "html",
    text,
    ...(title ? { title } : {}),
    headings,
    pages: [],
    segments: resolveSegments(segments, original),
    encoding: original.encoding,
  };
}

/** Hands each block to the builder with its place in the file, when it is found there. */
class PlacingBuilder {
  readonly #builder: TextBuilder;
  readonly #index: HtmlTextIndex;

  constructor(builder: TextBuilder, html: string) {
    this.#builder = builder;
    this.#index = new HtmlTextIndex(html);
  }

  heading(level: number, text: string): void {
    const placed = this.#index.place(text);
    if (placed) this.#builder.heading(level, placed.pieces, placed.span);
    else this.#builder.heading(level, text);
  }

  paragraph(text: string): void {
    const placed = this.#index.place(text);
    if (placed) this.#builder.paragraph(placed.pieces, placed.span);
    else this.#builder.paragraph(text);
  }
}

/**
 * linkedom builds no `<html>`/`<body>` for a fragment, a bare `<body>` (or an empty file) the way browsers do, and
 * then fails on `document.body`: a page without a `<body>` tag gets the shell written around it.
 */
function completeDocument(content: string): string {
  if (/<html[\s>]/i.test(content) && /<body[\s>]/i.test(content)) return content;
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(content)?.[1] ?? "";
  const body = content.replace(
    /<!doctype[^>]*>|<\/?html[^>]*>|<\/?body[^>]*>|<head[^>]*>[\s\S]*?<\/head>|<title[^>]*>[\s\S]*?<\/title>/gi,
    "",
  );
  return `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;
}

/** Readability's article, or undefined when it finds none (or trips on the page): the body is used then. */
function readArticle(html: string): ReturnType<Readability["parse"]> | undefined {
  try {
    // Readability mutates the document it is given: hand it its own parse.
    // Classes kept: they mark the self-links (permalinks) left out of the text.
    return new Readability(parseHTML(html).document as unknown as Document, {
      keepClasses: true,
    }).parse();
  } catch {
    return undefined;
  }
}

function collectBlocks(element: Element, builder: PlacingBuilder): void {
  let inline = "";
  const flushInline = () => {
    builder.paragraph(inline);
    inline = "";
  };
  for (const node of Array.from(element.childNodes)) {
    if (node.nodeType === 3) {
      inline += node.textContent ?? "";
      continue;
    }
    if (node.nodeType !== 1) continue;
    const child = node as Element;
    const tag = child.tagName.toUpperCase();
    if (ignoredTags.has(tag) || isPermalink(child)) continue;
    const level = headingLevels[tag];
    if (level !== undefined) {
      flushInline();
      builder.heading(level, textOf(child));
    } else if (tag === "BR") {
      inline += "\n";
    } else if (!blockTags.has(tag)) {
      inline += textOf(child);
    } else if (hasBlockDescendant(child)) {
      flushInline();
      collectBlocks(child, builder);
    } else {
      flushInline();
      builder.paragraph(textOf(child));
    }
  }
  flushInline();
}

/** An element's text as a reader sees it: a `<br>` is a line break, scripts and styles give none. */
function textOf(element: Element): string {
  let text = "";
  for (const node of Array.from(element.childNodes)) {
    if (node.nodeType === 3) text += node.textContent ?? "";
    else if (node.nodeType === 1) {
      const tag = (node as Element).tagName.toUpperCase();
      if (tag === "BR") text += "\n";
      else if (!ignoredTags.has(tag) && !isPermalink(node as Element))
        text += textOf(node as Element);
    }
  }
  return text;
}

/** Classes documentation generators give the link a heading or definition has to itself. */
const permalinkClasses =
  /(?:^|\s)(?:headerlink|anchorjs-link|hash-link|header-anchor|anchor-link|heading-anchor|permalink)(?:\s|$)/;

/** A self-link (Sphinx's `¶`, MkDocs', Docusaurus'): an `<a>` of such a class with a mark for text. */
function isPermalink(element: Element): boolean {
  return (
    element.tagName.toUpperCase() === "A" &&
    permalinkClasses.test(element.getAttribute("class") ?? "") &&
    (element.textContent ?? "").trim().length <= 2
  );
}

/**
 * The page's title heading when Readability dropped it from the article (it removes an h1/h2
 * that repeats the article title, and turns the other h1s into h2s): the first h1 (else h2) of
 * the page whose words make most of the title (or the title most of them), unless the article
 * still has a heading with those words.
 */
function droppedTitleHeading(
  page: Document,
  article: Element,
  title: string | null | undefined,
): { level: number; element: Element } | undefined {
  if (!title) return undefined;
  // The title as written, and its parts around the separators sites add ("Page — Site").
  const full = withoutPermalinkMarks(title).toLowerCase();
  const titles = [full, ...full.split(/\s+[|\-—–»:·]+\s+/)].filter((part) => part.length > 0);
  const similar = (words: string) =>
    words.length > 0 &&
    titles.some(
      (wanted) =>
        (wanted.includes(words) && words.length * 2 >= wanted.length) ||
        (words.includes(wanted) && wanted.length * 2 >= words.length),
    );
  for (const selector of ["h1", "h2"]) {
    for (const element of Array.from(page.querySelectorAll(selector))) {
      const words = withoutPermalinkMarks(textOf(element)).toLowerCase();
      if (!similar(words)) continue;
      const kept = Array.from(article.querySelectorAll("h1, h2, h3, h4, h5, h6")).some(
        (heading) => withoutPermalinkMarks(textOf(heading)).toLowerCase() === words,
      );
      return kept ? undefined : { level: selector === "h1" ? 1 : 2, element };
    }
  }
  return undefined;
}

function hasBlockDescendant(element: Element): boolean {
  for (const child of Array.from(element.children)) {
    if (blockTags.has(child.tagName.toUpperCase()) || hasBlockDescendant(child)) return true;
  }
  return false;
}
