import type { Document } from "../document.ts";
import type { ItemFailure, ItemSkip } from "../document-index.ts";
import { HybridRagError } from "../errors.ts";

/**
 * True for a document that has an image and no text (`text: ""`): stages that read only text
 * (BM25, text embedders, text-only rerankers) have nothing to work with and must say so.
 */
export function isImageOnly(document: Document): boolean {
  return document.image !== undefined && document.text === "";
}

/** The reason stages give in a report when they skip an image-only document. */
export function imageOnlySkipReason(stage: string): string {
  return `${stage} reads text only and this document is image-only (text ""): it is not in ${stage}; an image-aware stage (a VLM reranker) can still use it.`;
}

/** The error a text-only reranker gives for an image-only candidate. */
export function textOnlyRerankerError(reranker: string, documentId: string): HybridRagError {
  return new HybridRagError(
    "unsupported",
    `The reranker ${reranker} is text-only and candidate ${documentId} is image-only: rerank with an image-aware reranker (accepts.images, e.g. a NIM VLM reranker), or keep image-only documents out of this pipeline's candidates.`,
    { details: { id: documentId, reranker } },
  );
}

/**
 * Skipped image-only documents as failures, for stores that keep one vector per document and
 * cannot hold a document without one (Qdrant, Elasticsearch with a dense field): the caller
 * learns each one (`unsupported`) instead of losing it.
 */
export function imageOnlyFailures(skipped: readonly ItemSkip[]): ItemFailure[] {
  return skipped.map(({ id, index, reason }) => ({
    id,
    index,
    error: new HybridRagError(
      "unsupported",
      `document ${JSON.stringify(id)}: ${reason} This store needs a vector per document: keep image-only documents in a collection that stores images.`,
      { details: { id } },
    ),
  }));
}
