import {
  type Document,
  type Hit,
  HybridRagError,
  isImageOnly,
  type RerankOptions,
  textOnlyRerankerError,
} from "@hybrid-rag/core";
import { throwIfAborted } from "@hybrid-rag/core/internal";

/** The text a reranker scores for a document: "title text" when there is a title. */
export function defaultPassageText(document: Document): string {
  return document.title ? `${document.title} ${document.text}` : document.text;
}

/** How `rerankHits` turns documents into what the scorer reads. */
export interface RerankPassages<Passage> {
  /** The passage of one document (a string for text rerankers; text and image for VLMs). */
  readonly passageOf: (document: Document) => Passage | Promise<Passage>;
  /**
   * True for rerankers that look at images. False (text only): an image-only candidate is an
   * `unsupported` error naming it, never scored as an empty text.
   */
  readonly acceptsImages: boolean;
}

/**
 * The part every reranker shares: validate topN and documents, score the passages, order by
 * score (ties keep the earlier rank), keep topN, and record the rerank evidence on each hit.
 * `passages` is a text function (text rerankers) or a `RerankPassages` (image rerankers).
 */
export async function rerankHits<Passage = string>(
  name: string,
  candidates: readonly Hit[],
  options: RerankOptions | undefined,
  passages: RerankPassages<Passage> | ((document: Document) => Passage),
  score: (passages: Passage[]) => Promise<ArrayLike<number>>,
): Promise<Hit[]> {
  throwIfAborted(options?.signal, `${name} reranker`);
  const { passageOf, acceptsImages } =
    typeof passages === "function" ? { passageOf: passages, acceptsImages: false } : passages;
  const topN = options?.topN;
  if (topN !== undefined && !(Number.isInteger(topN) && topN >= 1)) {
    throw new HybridRagError("invalid-argument", `topN must be a whole number ≥ 1, got ${topN}.`);
  }
  const documents = candidates.map((hit) => {
    if (!hit.document) {
      throw new HybridRagError(
        "invalid-argument",
        `Candidate ${hit.id} has no document: retrieve with includeDocuments to rerank.`,
        { details: { id: hit.id } },
      );
    }
    if (!acceptsImages && isImageOnly(hit.document)) throw textOnlyRerankerError(name, hit.id);
    return hit.document;
  });
  if (documents.length === 0) return [];
  const scores = await score(await Promise.all(documents.map(passageOf)));
  const scored = candidates.map((hit, index) => ({ hit, score: scores[index]! }));
  scored.sort((a, b) => b.score - a.score || a.hit.rank - b.hit.rank);
  return scored.slice(0, topN ?? scored.length).map(({ hit, score: value }, index) => ({
    ...hit,
    score: value,
    rank: index + 1,
    rerank: { reranker: name, score: value, previousRank: hit.rank, previousScore: hit.score },
  }));
}
