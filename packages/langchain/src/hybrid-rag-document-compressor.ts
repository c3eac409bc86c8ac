import type { Hit, Reranker } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import type { Callbacks } from "@langchain/core/callbacks/manager";
import { Document, type DocumentInterface } from "@langchain/core/documents";
import { BaseDocumentCompressor } from "@langchain/core/retrievers/document_compressors";

export interface HybridRagDocumentCompressorInput {
  /** Any hybrid-rag reranker: in-process cross-encoder, worker pool, NIM, TEI, Cohere-compatible. */
  readonly reranker: Reranker;
  /** Documents kept after reranking (default: all, reordered). */
  readonly topN?: number;
}

/**
 * A hybrid-rag reranker as a LangChain document compressor (for a
 * `ContextualCompressionRetriever`): documents come back best first, each a copy with
 * `metadata.relevanceScore` (the reranker's score, as LangChain's Cohere reranker names it).
 * Documents are matched back by position, never by text, so duplicates keep their metadata.
 */
export class HybridRagDocumentCompressor extends BaseDocumentCompressor {
  readonly reranker: Reranker;
  readonly topN: number | undefined;

  constructor(fields: HybridRagDocumentCompressorInput) {
    super();
    if (fields.topN !== undefined && (!Number.isInteger(fields.topN) || fields.topN < 1)) {
      throw new HybridRagError(
        "invalid-argument",
        `topN must be a whole number ≥ 1, got ${JSON.stringify(fields.topN)}.`,
      );
    }
    this.reranker = fields.reranker;
    this.topN = fields.topN;
  }

  override async compressDocuments(
    documents: DocumentInterface[],
    query: string,
    _callbacks?: Callbacks,
  ): Promise<DocumentInterface[]> {
    if (documents.length === 0) return [];
    // Positions as ids: LangChain documents need not have an id, and ids may repeat.
    const candidates: Hit[] = documents.map((document, index) => ({
      id: String(index),
      score: 0,
      rank: index + 1,
      document: { id: String(index), text: document.pageContent },
      sources: {},
    }));
    const reranked = await this.reranker.rerank(
      query,
      candidates,
      this.topN === undefined ? undefined : { topN: this.topN },
    );
    return reranked.map((hit) => {
      const original = documents[Number(hit.id)]!;
      return new Document({
        pageContent: original.pageContent,
        metadata: { ...original.metadata, relevanceScore: hit.score },
        ...(original.id === undefined ? {} : { id: original.id }),
      });
    });
  }
}
