import type { Hit, SourceEvidence } from "@hybrid-rag/core";
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
  /** The document a chunk was cut from (its own id for unchunked documents). */
  readonly parentId: string;
  /** "p. 31", "pp. 3–4" for PDF chunks; "" otherwise. */
  readonly pages: string;
  /** The headings above the chunk, "Chapter 2 › Notes". */
  readonly section: string;
  readonly sources: Readonly<Record<string, SourceEvidence>>;
  readonly fusion?: Hit["fusion"];
  readonly rerank?: Hit["rerank"];
}

const snippetLength = 240;

/** `highlight` gives the ranges of a text to mark (the collection's analyzer decides; see `queryHighlighter`). */
export function toPageHits(
  hits: readonly Hit[],
  highlight: (text: string) => MarkedRange[] = () => [],
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
      sources: hit.sources,
      ...(hit.fusion ? { fusion: hit.fusion } : {}),
      ...(hit.rerank ? { rerank: hit.rerank } : {}),
    };
  });
}

/** Where a chunk hit comes from, read from the chunk metadata that @hybrid-rag/chunking writes. */
function chunkOrigin(hit: Hit): { parentId: string; pages: string; section: string } {
  const metadata = hit.document?.metadata ?? {};
  const parentId = typeof metadata.parentId === "string" ? metadata.parentId : hit.id;
  const first = typeof metadata.pageStart === "number" ? metadata.pageStart : undefined;
  const last = typeof metadata.pageEnd === "number" ? metadata.pageEnd : first;
  const pages = first === undefined ? "" : first === last ? `p. ${first}` : `pp. ${first}–${last}`;
  const headings = Array.isArray(metadata.headingPath)
    ? metadata.headingPath.filter((h) => typeof h === "string")
    : [];
  return { parentId, pages, section: headings.join(" › ") };
}
