import type { Hit, SourceEvidence } from "@hybrid-rag/core";
import { type DemoImages, type PageThumbnail, thumbnailsOf } from "./page-thumbnails.ts";
import type { MarkedRange } from "./query-highlights.ts";

/** What the page shows of a hit: a snippet instead of the whole document. */
export interface PageHit {
  readonly id: string;
  readonly rank: number;
  readonly score: number;
  readonly title: string;
  readonly snippet: string;
  /** The chunk's text up to 2,000 characters, so the page can show the part that matches. */
  readonly text: string;
  /** The `[start, end)` ranges of `text` that match the analyzed query, to highlight. */
  readonly marks: readonly MarkedRange[];
  /**
   * The document a chunk was cut from (its own id for unchunked documents); for a PDF's page
   * image, the PDF.
   */
  readonly parentId: string;
  /**
   * "p. 31", "pp. 3–4" for PDF chunks and page images (physical pages), with the printed
   * page label when the PDF declares one ("p. 31 (printed xxvii)"); "" otherwise.
   */
  readonly pages: string;
  /** "page image" (an image-only hit: a PDF page or a figure) or "text chunk". */
  readonly kind: "page image" | "text chunk";
  /** The stored images shown with the hit: its own, or those of the PDF pages its text is on or beside. */
  readonly thumbnails: readonly PageThumbnail[];
  /** The headings above the chunk, "Chapter 2 › Notes". */
  readonly section: string;
  readonly sources: Readonly<Record<string, SourceEvidence>>;
  readonly fusion?: Hit["fusion"];
  readonly rerank?: Hit["rerank"];
}

const snippetLength = 240;

/**
 * `highlight` gives the ranges of a text to mark (the collection's analyzer decides; see
 * `queryHighlighter`); `images`, the collection's stored images the thumbnails link to.
 */
export function toPageHits(
  hits: readonly Hit[],
  highlight: (text: string) => MarkedRange[] = () => [],
  images?: DemoImages,
): PageHit[] {
  return hits.map((hit) => {
    // Markdown heading marks repeat the title: leave them out of the snippet.
    const text =
      hit.document?.text
        .replace(/^#+\s+/gm, "")
        .replace(/\s+/g, " ")
        .trim() ?? "";
    const shown = text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
    return {
      id: hit.id,
      rank: hit.rank,
      score: hit.score,
      title: hit.document?.title ?? hit.id,
      snippet: text.length > snippetLength ? `${text.slice(0, snippetLength - 1)}…` : text,
      text: shown,
      marks: highlight(shown),
      ...chunkOrigin(hit),
      kind: hit.document?.text === "" && hit.document.image ? "page image" : "text chunk",
      thumbnails: thumbnailsOf(hit, images),
      sources: hit.sources,
      ...(hit.fusion ? { fusion: hit.fusion } : {}),
      ...(hit.rerank ? { rerank: hit.rerank } : {}),
    };
  });
}

/**
 * Where a chunk hit comes from, read from the chunk metadata that @hybrid-rag/chunking writes
 * (and, for page images, the loaders' link to their PDF: `metadata.parent`, `metadata.page`).
 */
function chunkOrigin(hit: Hit): { parentId: string; pages: string; section: string } {
  const metadata = hit.document?.metadata ?? {};
  // A page image's file is the PDF the loaders linked it to (its own chunk parent is the page).
  const parentId =
    hit.document?.text === "" && typeof metadata.parent === "string"
      ? metadata.parent
      : typeof metadata.parentId === "string"
        ? metadata.parentId
        : hit.id;
  const number = (value: unknown) => (typeof value === "number" ? value : undefined);
  const first = number(metadata.pageStart) ?? number(metadata.page);
  const last = number(metadata.pageEnd) ?? first;
  const physical =
    first === undefined ? "" : first === last ? `p. ${first}` : `pp. ${first}–${last}`;
  const pages =
    physical + printedLabels(metadata.pageLabelStart, metadata.pageLabelEnd, first, last);
  const headings = Array.isArray(metadata.headingPath)
    ? metadata.headingPath.filter((h) => typeof h === "string")
    : [];
  return { parentId, pages, section: headings.join(" › ") };
}

/** " (printed xxvii)" when the PDF's page labels differ from the physical numbers; "" otherwise. */
function printedLabels(start: unknown, end: unknown, first?: number, last?: number): string {
  if (typeof start !== "string" || first === undefined) return "";
  const finish = typeof end === "string" ? end : start;
  if (start === String(first) && finish === String(last)) return "";
  return start === finish ? ` (printed ${start})` : ` (printed ${start}–${finish})`;
}
