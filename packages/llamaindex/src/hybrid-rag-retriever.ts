import { type CitedPassage, type SearchSource, searchPassages } from "@hybrid-rag/collection";
import { HybridRagError, type MetadataFilter } from "@hybrid-rag/core";
import type { QueryBundle } from "@llamaindex/core/query-engine";
import { BaseRetriever } from "@llamaindex/core/retriever";
import { NodeRelationship, type NodeWithScore, TextNode } from "@llamaindex/core/schema";
import { extractText } from "@llamaindex/core/utils";

export interface HybridRagRetrieverOptions {
  /** A collection (`EmbeddedCollection`, `HybridCollection`) or a pipeline. */
  readonly source: SearchSource;
  /** Nodes returned (default 4). */
  readonly topK?: number;
  readonly filter?: MetadataFilter;
}

/** The metadata of each node: the passage's citation and provenance (everything but its text). */
export type HybridRagNodeMetadata = Omit<CitedPassage, "text"> & Record<string, unknown>;

/** A passage as a LlamaIndex `TextNode`: id = chunk id, offsets, source document relationship. */
export function passageNode(passage: CitedPassage): TextNode<HybridRagNodeMetadata> {
  const { text, ...metadata } = passage;
  return new TextNode<HybridRagNodeMetadata>({
    id_: passage.id,
    text,
    metadata: metadata as HybridRagNodeMetadata,
    ...(passage.start === null ? {} : { startCharIdx: passage.start }),
    ...(passage.end === null ? {} : { endCharIdx: passage.end }),
    relationships: {
      [NodeRelationship.SOURCE]: {
        nodeId: passage.parentId,
        // The document's own fields; LlamaIndex types them as the node's metadata type.
        metadata: {
          source: passage.source,
          title: passage.title,
        } as unknown as HybridRagNodeMetadata,
      },
    },
    // Citation fields are for the answer's references, not for the LLM's context or an embedding.
    excludedLlmMetadataKeys: [
      "provenance",
      "start",
      "end",
      "sourceSpan",
      "rank",
      "score",
      "id",
      "headingPath",
    ],
    excludedEmbedMetadataKeys: Object.keys(metadata),
  });
}

/**
 * A LlamaIndex.TS retriever over a hybrid-rag collection or pipeline: each hit becomes a
 * `TextNode` (with its citation in `metadata`) and its score.
 */
export class HybridRagRetriever extends BaseRetriever {
  readonly source: SearchSource;
  readonly topK: number;
  readonly filter: MetadataFilter | undefined;

  constructor(options: HybridRagRetrieverOptions) {
    super();
    const topK = options.topK ?? 4;
    if (!Number.isInteger(topK) || topK < 1 || topK > 10_000) {
      throw new HybridRagError(
        "invalid-argument",
        `topK must be a whole number from 1 to 10000, got ${JSON.stringify(topK)}.`,
      );
    }
    this.source = options.source;
    this.topK = topK;
    this.filter = options.filter;
  }

  override async _retrieve(params: QueryBundle): Promise<NodeWithScore[]> {
    const { passages } = await searchPassages(this.source, extractText(params.query), {
      topK: this.topK,
      ...(this.filter ? { filter: this.filter } : {}),
    });
    return passages.map((passage) => ({ node: passageNode(passage), score: passage.score }));
  }
}
