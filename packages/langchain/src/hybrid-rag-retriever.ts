import { type SearchSource, type SourceSpanView, searchPassages } from "@hybrid-rag/collection";
import { HybridRagError, type MetadataFilter } from "@hybrid-rag/core";
import type { CallbackManagerForRetrieverRun } from "@langchain/core/callbacks/manager";
import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";

export interface HybridRagRetrieverInput extends BaseRetrieverInput {
  /** A collection (`EmbeddedCollection`, `HybridCollection`) or a pipeline. */
  readonly source: SearchSource;
  /** Documents returned (default 4, LangChain's usual k). */
  readonly topK?: number;
  readonly filter?: MetadataFilter;
}

/** What each returned `Document` carries in `metadata` (the passage's citation and provenance). */
export interface HybridRagDocumentMetadata {
  readonly [key: string]: unknown;
  readonly id: string;
  readonly rank: number;
  readonly score: number;
  readonly parentId: string;
  readonly source: string;
  readonly title: string | null;
  readonly pageStart: number | null;
  readonly pageEnd: number | null;
  readonly pageLabelStart: string | null;
  readonly pageLabelEnd: string | null;
  readonly start: number | null;
  readonly end: number | null;
  /** Where the passage is in the original file (chars, bytes, lines), as `@hybrid-rag/collection`'s `CitedPassage`. */
  readonly sourceSpan: SourceSpanView | null;
  readonly headingPath: readonly string[];
  readonly provenance: {
    readonly retrievers: Readonly<Record<string, { rank: number; score: number } | null>>;
    readonly rerankScore: number | null;
  };
}

/**
 * A LangChain retriever over a hybrid-rag collection or pipeline: each hit becomes a `Document`
 * (`pageContent` = the passage, `id` = the chunk id) with its citation and provenance in
 * `metadata` — never keyed by text.
 */
export class HybridRagRetriever extends BaseRetriever<HybridRagDocumentMetadata> {
  static override lc_name(): string {
    return "HybridRagRetriever";
  }

  override lc_namespace = ["hybrid_rag", "retrievers"];
  readonly source: SearchSource;
  readonly topK: number;
  readonly filter: MetadataFilter | undefined;

  constructor(fields: HybridRagRetrieverInput) {
    super(fields);
    const topK = fields.topK ?? 4;
    if (!Number.isInteger(topK) || topK < 1 || topK > 10_000) {
      throw new HybridRagError(
        "invalid-argument",
        `topK must be a whole number from 1 to 10000, got ${JSON.stringify(topK)}.`,
      );
    }
    this.source = fields.source;
    this.topK = topK;
    this.filter = fields.filter;
  }

  override async _getRelevantDocuments(
    query: string,
    _runManager?: CallbackManagerForRetrieverRun,
  ): Promise<Document<HybridRagDocumentMetadata>[]> {
    const { passages } = await searchPassages(this.source, query, {
      topK: this.topK,
      ...(this.filter ? { filter: this.filter } : {}),
    });
    return passages.map(
      ({ text, ...metadata }) => new Document({ id: metadata.id, pageContent: text, metadata }),
    );
  }
}
