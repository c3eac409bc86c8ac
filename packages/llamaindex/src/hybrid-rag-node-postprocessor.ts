import type { Hit, Reranker } from "@hybrid-rag/core";
import { HybridRagError } from "@hybrid-rag/core";
import type { MessageContent } from "@llamaindex/core/llms";
import type { BaseNodePostprocessor } from "@llamaindex/core/postprocessor";
import { MetadataMode, type NodeWithScore } from "@llamaindex/core/schema";
import { extractText } from "@llamaindex/core/utils";

export interface HybridRagRerankerOptions {
  /** Any hybrid-rag reranker: in-process cross-encoder, worker pool, NIM, TEI, Cohere-compatible. */
  readonly reranker: Reranker;
  /** Nodes kept (default: all, reordered). */
  readonly topN?: number;
}

/**
 * A hybrid-rag reranker as a LlamaIndex node postprocessor: nodes best first, each with the
 * reranker's score. Nodes are matched back by position, never by text.
 */
export class HybridRagReranker implements BaseNodePostprocessor {
  readonly reranker: Reranker;
  readonly topN: number | undefined;

  constructor(options: HybridRagRerankerOptions) {
    if (options.topN !== undefined && (!Number.isInteger(options.topN) || options.topN < 1)) {
      throw new HybridRagError(
        "invalid-argument",
        `topN must be a whole number ≥ 1, got ${JSON.stringify(options.topN)}.`,
      );
    }
    this.reranker = options.reranker;
    this.topN = options.topN;
  }

  async postprocessNodes(nodes: NodeWithScore[], query?: MessageContent): Promise<NodeWithScore[]> {
    if (query === undefined) {
      throw new HybridRagError(
        "invalid-argument",
        "HybridRagReranker needs the query to rerank against (a query engine passes it).",
      );
    }
    if (nodes.length === 0) return [];
    const candidates: Hit[] = nodes.map((entry, index) => ({
      id: String(index),
      score: entry.score ?? 0,
      rank: index + 1,
      document: { id: String(index), text: entry.node.getContent(MetadataMode.NONE) },
      sources: {},
    }));
    const reranked = await this.reranker.rerank(
      extractText(query),
      candidates,
      this.topN === undefined ? undefined : { topN: this.topN },
    );
    return reranked.map((hit) => ({ node: nodes[Number(hit.id)]!.node, score: hit.score }));
  }
}
