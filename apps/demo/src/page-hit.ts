import type { Hit, SourceEvidence } from "@hybrid-rag/core";

/** What the page shows of a hit: a snippet instead of the whole document. */
export interface PageHit {
  readonly id: string;
  readonly rank: number;
  readonly score: number;
  readonly title: string;
  readonly snippet: string;
  readonly sources: Readonly<Record<string, SourceEvidence>>;
  readonly fusion?: Hit["fusion"];
  readonly rerank?: Hit["rerank"];
}

const snippetLength = 240;

export function toPageHits(hits: readonly Hit[]): PageHit[] {
  return hits.map((hit) => {
    // Markdown heading marks repeat the title: leave them out of the snippet.
    const text =
      hit.document?.text
        .replace(/^#+\s+/gm, "")
        .replace(/\s+/g, " ")
        .trim() ?? "";
    return {
      id: hit.id,
      rank: hit.rank,
      score: hit.score,
      title: hit.document?.title ?? hit.id,
      snippet: text.length > snippetLength ? `${text.slice(0, snippetLength - 1)}…` : text,
      sources: hit.sources,
      ...(hit.fusion ? { fusion: hit.fusion } : {}),
      ...(hit.rerank ? { rerank: hit.rerank } : {}),
    };
  });
}
