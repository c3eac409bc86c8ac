import { type Document, type Hit, HybridRagError, type RerankOptions } from "@hybrid-rag/core";
import { throwIfAborted } from "@hybrid-rag/core/internal";

/** The text a reranker scores for a document: "title text" when there is a title. */
export function defaultPassageText(document: Document): string {
  return document.title ? `${document.title} ${document.text}` : document.text;
}

/**
 * The part every reranker shares: validate topN and documents, score the passages, order by
 * score (ties keep the earlier rank), keep topN, and record the rerank evidence on each hit.
 */
export async function rerankHits(
  name: string,
  candidates: readonly Hit[],
  options: RerankOptions | undefined,
  passageText: (document: Document) => string,
  score: (passages: string[], documents: Document[]) => Promise<ArrayLike<number>>,
): Promise<Hit[]> {
  throwIfAborted(options?.signal, `${name} reranker`);
  const topN = options?.topN;
  if (topN !== undefined && !(Number.isInteger(topN) && topN >= 1)) {
    throw new HybridRagError("invalid-argument", `topN must be a whole number ≥ 1, got ${topN}.`);
  }
  const documents: Document[] = [];
  const passages = candidates.map((hit) => {
    if (!hit.document) {
      throw new HybridRagError(
        "invalid-argument",
        `Candidate ${hit.id} has no document: retrieve with includeDocuments to rerank.`,
        { details: { id: hit.id } },
      );
    }
    documents.push(hit.document);
    return passageText(hit.document);
  });
  if (passages.length === 0) return [];
  const scores = await score(passages, documents);
  const scored = candidates.map((hit, index) => ({ hit, score: scores[index]! }));
  scored.sort((a, b) => b.score - a.score || a.hit.rank - b.hit.rank);
  return scored.slice(0, topN ?? scored.length).map(({ hit, score: value }, index) => ({
    ...hit,
    score: value,
    rank: index + 1,
    rerank: { reranker: name, score: value, previousRank: hit.rank, previousScore: hit.score },
  }));
}
